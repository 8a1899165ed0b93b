package dev.mondrian.runner.service;

import ai.djl.util.cuda.CudaUtils;
import dev.mondrian.runner.model.ComputeThreads;
import dev.mondrian.runner.model.Model;
import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many jobs a runner generates at once ({@code --slots}): each slot holds one job's KV cache,
 * allocated whole when its job starts, so the slots bound the cache memory and a job beyond them
 * waits in the service's queue instead of exhausting memory. The value was checked by {@link RunnerOptions}.
 */
final class Slots {
    /**
     * {@code auto}'s ceiling on a CPU: past 8 sequences a batched step is bound by the CPU's arithmetic, so more jobs
     * at once make each one slower for little more throughput (on 0.5B, 16 jobs get 1.3× the tokens per second of 8,
     * each at 0.7× the speed: docs/BENCHMARKS.md, issue 19).
     */
    static final int AUTO_MAX = 8;
    /**
     * {@code auto}'s ceiling on a GPU, where a step costs its number of operations more than its rows: 16
     * sequences decoded 12.6× one sequence's tokens per second on an H200 (docs/BENCHMARKS.md, "On a GPU").
     */
    static final int AUTO_MAX_GPU = 16;
    /** Memory {@code auto} leaves free for activations (a photo through a vision tower takes the most). */
    static final long HEADROOM = 2L << 30;

    private Slots() {}

    /**
     * {@code auto}: on a CPU, one slot for a small model, which batching leaves no faster through the whole service
     * (the runner's own work per token outweighs the model's: docs/BENCHMARKS.md, issue 19), otherwise as many KV caches as fit in the memory left after the weights, at most
     * {@link #AUTO_MAX}; on a GPU as many as fit in its free memory, at most {@link #AUTO_MAX_GPU}. Or N.
     */
    static int resolve(String value, Model model, Path folder) {
        if (!value.equals("auto")) {
            return Integer.parseInt(value);
        }
        if (model.device().isGpu()) {
            return fitting(available(model), model.decoder().cacheBytes(), AUTO_MAX_GPU);
        }
        return ComputeThreads.small(folder) ? 1 : fitting(available(model), model.decoder().cacheBytes(), AUTO_MAX);
    }

    static int fitting(long availableBytes, long cacheBytes, int ceiling) {
        long fits = (availableBytes - HEADROOM) / cacheBytes;
        return (int) Math.max(1, Math.min(ceiling, fits));
    }

    /** Free memory where the caches go: the GPU's, or the machine's (MemAvailable, with the weights already loaded). */
    private static long available(Model model) {
        if (model.device().isGpu()) {
            MemoryUsage usage = CudaUtils.getGpuMemory(model.device());
            return usage.getMax() - usage.getCommitted();
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux: fall back to the JVM's view below.
        }
        return Runtime.getRuntime().maxMemory();
    }
}
