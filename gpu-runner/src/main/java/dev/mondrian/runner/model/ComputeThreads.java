package dev.mondrian.runner.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * How many threads PyTorch uses inside each operation. Its threads meet at the end of every
 * operation, so when any other thread takes one of their cores (the runner's callbacks, the
 * functions service beside it) the whole operation waits for it. A small model's speed is the
 * fixed cost of its many tiny operations, which more threads do not shorten: it gets one. A large
 * one gets every core but one, which is left to the rest of the process and the machine (see
 * docs/BENCHMARKS.md: on 2 cores this keeps streaming's cost under 1%, and decoding is just as
 * fast; prefill is slower, so a host that runs nothing else may give --threads all its cores).
 */
public final class ComputeThreads {
    /** Weights below this size run on one thread under "auto". */
    static final long SMALL_MODEL_BYTES = 256L << 20;
    private static final String PROPERTY = "ai.djl.pytorch.num_threads";

    private ComputeThreads() {}

    /**
     * Sets the thread count for the PyTorch engine; must run before the engine starts (before
     * {@link Model#load}). An explicit {@code -Dai.djl.pytorch.num_threads} wins over "auto".
     *
     * @param setting "auto" or a positive number
     * @return the number chosen
     */
    public static int configure(Path modelFolder, String setting) {
        int threads;
        if (setting.equals("auto")) {
            String explicit = System.getProperty(PROPERTY);
            if (explicit != null) {
                return Integer.parseInt(explicit);
            }
            threads = small(modelFolder) ? 1 : Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        } else {
            try {
                threads = Integer.parseInt(setting);
            } catch (NumberFormatException e) {
                threads = 0;
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be auto or a positive number, got '" + setting + "'");
            }
        }
        System.setProperty(PROPERTY, Integer.toString(threads));
        return threads;
    }

    /** The count in force: the one configured, else PyTorch's own default of one per core. */
    public static int current() {
        String configured = System.getProperty(PROPERTY);
        return configured != null ? Integer.parseInt(configured) : Runtime.getRuntime().availableProcessors();
    }

    /** A model whose per-operation cost, not its weights, sets its speed: under {@link #SMALL_MODEL_BYTES}. */
    public static boolean small(Path modelFolder) {
        return weightBytes(modelFolder) < SMALL_MODEL_BYTES;
    }

    public static long weightBytes(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".safetensors")).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            return Long.MAX_VALUE; // no folder: Model.load reports it; nothing to decide here
        }
    }
}
