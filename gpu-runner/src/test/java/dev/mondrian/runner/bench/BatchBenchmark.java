package dev.mondrian.runner.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.mondrian.runner.model.ComputeThreads;
import dev.mondrian.runner.model.KvCache;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.SafeTensorsWriter.DType;
import dev.mondrian.runner.progress.ProgressLine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Aggregate decode speed of {@link Model#step} at several batch sizes on a random-weight model of
 * Qwen2.5-0.5B's shape: one step reads every weight once for the whole batch, so tokens per second
 * should grow nearly with the batch until the matmuls stop being bound by memory bandwidth. Not a
 * test. Each batch size gets its own sequences, prefilled once with a {@value #PROMPT}-token prompt;
 * the sizes are measured in alternation, {@value #ROUNDS} rounds, so a busy moment on a shared machine
 * spreads over all of them; the median round counts. Prints a Markdown table on stdout.
 */
public final class BatchBenchmark {
    private static final int PROMPT = 128;
    private static final int WARMUP = 1;
    private static final int DECODE = 8;
    private static final int ROUNDS = 3;

    private BatchBenchmark() {}

    /** {@code write DIR} makes the F32 model folder; {@code run DIR THREADS B...} measures it. */
    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("write")) {
            EngineBenchmark.Size.QWEN25_05B.decoder.writeStreaming(Path.of(args[1]), DType.F32);
        } else if (args.length >= 4 && args[0].equals("run")) {
            Path dir = Path.of(args[1]);
            ComputeThreads.configure(dir, args[2]);
            run(dir, Arrays.stream(args, 3, args.length).mapToInt(Integer::parseInt).toArray());
        } else {
            System.err.println("usage: BatchBenchmark write DIR | run DIR THREADS B...");
            System.exit(2);
        }
    }

    private static void run(Path dir, int[] batches) throws Exception {
        int vocab = EngineBenchmark.Size.QWEN25_05B.decoder.vocab();
        try (Model model = Model.load(dir, "cpu", PROMPT + ROUNDS * (WARMUP + DECODE) + 8);
             NDManager scratch = model.manager().newSubManager()) {
            Map<Integer, List<KvCache>> sequences = new LinkedHashMap<>();
            Map<Integer, long[]> next = new LinkedHashMap<>();
            SplittableRandom random = new SplittableRandom(7);
            try (ProgressLine progress = ProgressLine.start("prefill", Arrays.stream(batches).sum(), "sequences")) {
                for (int batch : batches) {
                    List<KvCache> caches = new ArrayList<>();
                    long[] tokens = new long[batch];
                    for (int b = 0; b < batch; b++) {
                        KvCache cache = model.decoder().newCache();
                        tokens[b] = prefill(model, scratch, cache, random.longs(PROMPT, 0, vocab).toArray());
                        caches.add(cache);
                        progress.add(1);
                    }
                    sequences.put(batch, caches);
                    next.put(batch, tokens);
                }
            }
            Map<Integer, double[]> rates = new LinkedHashMap<>();
            for (int batch : batches) {
                rates.put(batch, new double[ROUNDS]);
            }
            try (ProgressLine progress = ProgressLine.start("decode", ROUNDS * batches.length, "runs")) {
                for (int round = 0; round < ROUNDS; round++) {
                    for (int batch : batches) {
                        rates.get(batch)[round] = decode(model, scratch, sequences.get(batch), next.get(batch));
                        progress.add(1);
                    }
                }
            }
            double single = EngineBenchmark.median(rates.get(batches[0]));
            System.out.println("| B | aggregate tok/s | per sequence tok/s | vs B = " + batches[0] + " | rounds |");
            System.out.println("|---|---|---|---|---|");
            for (int batch : batches) {
                double rate = EngineBenchmark.median(rates.get(batch));
                System.out.printf("| %d | %.1f | %.1f | %.2f× | %s |%n", batch, rate, rate / batch, rate / single,
                        Arrays.toString(Arrays.stream(rates.get(batch)).map(r -> Math.round(r * 10) / 10.0).toArray()));
            }
            sequences.values().forEach(caches -> caches.forEach(KvCache::close));
        }
    }

    /** Prefills one sequence alone, as a newcomer is; returns its greedy first token. */
    private static long prefill(Model model, NDManager scratch, KvCache cache, long[] prompt) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return model.forward(scratch, prompt, null, cache, false).argMax(1).toLongArray()[0];
        }
    }

    /** Greedy batched steps from {@code tokens} (updated in place); returns the aggregate tokens per second. */
    private static double decode(Model model, NDManager scratch, List<KvCache> caches, long[] tokens) {
        long start = 0;
        for (int step = 0; step < WARMUP + DECODE; step++) {
            if (step == WARMUP) {
                start = System.nanoTime();
            }
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                long[] chosen = model.step(scratch, tokens, caches).argMax(1).toLongArray();
                System.arraycopy(chosen, 0, tokens, 0, tokens.length);
            }
        }
        return (double) DECODE * caches.size() / ((System.nanoTime() - start) / 1e9);
    }
}
