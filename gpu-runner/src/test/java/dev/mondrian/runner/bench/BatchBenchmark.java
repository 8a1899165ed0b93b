package dev.mondrian.runner.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.mondrian.progress.ProgressLine;
import dev.mondrian.runner.generation.DecodeBatcher;
import dev.mondrian.runner.generation.GenerationRequest;
import dev.mondrian.runner.generation.Generator;
import dev.mondrian.runner.generation.TokenStream;
import dev.mondrian.runner.model.Adapter;
import dev.mondrian.runner.model.ComputeThreads;
import dev.mondrian.runner.model.KvCache;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.SafeTensorsWriter.DType;
import dev.mondrian.runner.sampling.SamplingParams;
import dev.mondrian.runner.tokenizer.ModelTokenizer;
import dev.mondrian.runner.tokenizer.TinyTokenizerFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

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
    /** Untimed steps first in every run: the first steps run before the JIT has compiled the kernel. */
    private static final int WARMUP = 3;
    /** Timed steps per run: 20 on a 0.5B model take a few seconds (with 8, rounds differed by 10%); a small model needs more. */
    private static final int DECODE_LARGE = 20;
    private static final int DECODE_SMALL = 64;
    private static final int ROUNDS = 5;
    /** Streams decoding while a newcomer's prompt is prefilled. */
    private static final int RUNNING = 8;
    /** Context beyond the measured steps, for the streams of the newcomer measurement. */
    private static final int NEWCOMER_ROOM = 256;

    private BatchBenchmark() {}

    /** {@code write DIR} makes the F32 model folder; {@code run DIR THREADS B...} measures it. */
    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("write")) {
            EngineBenchmark.Size.QWEN25_05B.decoder.writeStreaming(Path.of(args[1]), DType.F32);
            TinyTokenizerFiles.write(Path.of(args[1]), false, EngineBenchmark.Size.QWEN25_05B.decoder.vocab());
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
        int decode = ComputeThreads.small(dir) ? DECODE_SMALL : DECODE_LARGE;
        try (Model model = Model.load(dir, EngineBenchmark.device(), PROMPT + ROUNDS * (WARMUP + decode) + NEWCOMER_ROOM);
             NDManager scratch = model.manager().newSubManager();
             ModelTokenizer tokenizer = ModelTokenizer.load(dir)) {
            Map<Integer, List<KvCache>> sequences = new LinkedHashMap<>();
            Map<Integer, long[]> next = new LinkedHashMap<>();
            int vocab = model.config().text().vocabSize();
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
                        rates.get(batch)[round] = decode(model, scratch, sequences.get(batch), next.get(batch),
                                Collections.nCopies(batch, null), decode);
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
            long[] prompt = random.longs(PROMPT, 0, vocab).toArray();
            double alone = firstToken(new Generator(model, tokenizer), prompt);
            try (DecodeBatcher batcher = new DecodeBatcher(model)) {
                double beside = newcomer(new Generator(model, tokenizer, batcher), random, vocab, prompt);
                System.out.printf("%nA newcomer's first token (a %d-token prompt): %.2f s alone, %.2f s while %d others"
                        + " decode (batched steps: %.1f sequences on average)%n", PROMPT, alone, beside, RUNNING,
                        batcher.meanBatch());
            }
        }
    }

    /**
     * Starts {@value #RUNNING} streams; once each has decoded a token, a newcomer: seconds from its start to
     * its first token (its prefill shares the cores with the others' batched steps).
     */
    private static double newcomer(Generator generator, SplittableRandom random, int vocab, long[] prompt)
            throws Exception {
        List<TokenStream> running = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch decoding = new CountDownLatch(RUNNING);
        for (int i = 0; i < RUNNING; i++) {
            TokenStream stream = generator.stream(request(random.longs(PROMPT, 0, vocab).toArray(), NEWCOMER_ROOM));
            running.add(stream);
            threads.add(Thread.ofPlatform().start(() -> {
                boolean counted = false;
                while (stream.hasNext()) {
                    stream.next();
                    if (!counted) {
                        decoding.countDown();
                        counted = true;
                    }
                }
            }));
        }
        decoding.await();
        double seconds = firstToken(generator, prompt);
        running.forEach(TokenStream::cancel);
        for (Thread thread : threads) {
            thread.join();
        }
        running.forEach(TokenStream::close);
        return seconds;
    }

    private static double firstToken(Generator generator, long[] prompt) {
        long start = System.nanoTime();
        try (TokenStream stream = generator.stream(request(prompt, 1))) {
            stream.next();
            return (System.nanoTime() - start) / 1e9;
        }
    }

    /** Greedy, EOS never ends it (the ids are random). */
    private static GenerationRequest request(long[] prompt, int tokens) {
        return new GenerationRequest(prompt, null, tokens, SamplingParams.GREEDY, List.of(), Set.of());
    }

    /** Prefills one sequence alone, as a newcomer is; returns its greedy first token. */
    static long prefill(Model model, NDManager scratch, KvCache cache, long[] prompt) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return model.forward(scratch, prompt, null, cache, false).argMax(1).toLongArray()[0];
        }
    }

    /**
     * Greedy batched steps from {@code tokens} (updated in place), each row through its adapter (null: none);
     * returns the aggregate tokens per second.
     */
    static double decode(Model model, NDManager scratch, List<KvCache> caches, long[] tokens, List<Adapter> adapters,
                         int steps) {
        long start = 0;
        for (int step = 0; step < WARMUP + steps; step++) {
            if (step == WARMUP) {
                start = System.nanoTime();
            }
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                long[] chosen = model.step(scratch, tokens, caches, adapters).argMax(1).toLongArray();
                System.arraycopy(chosen, 0, tokens, 0, tokens.length);
            }
        }
        return (double) steps * caches.size() / ((System.nanoTime() - start) / 1e9);
    }
}
