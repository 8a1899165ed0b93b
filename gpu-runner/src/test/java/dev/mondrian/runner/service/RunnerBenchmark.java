package dev.mondrian.runner.service;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import com.sun.net.httpserver.HttpServer;
import dev.mondrian.progress.ProgressLine;
import dev.mondrian.protocol.RunnerWire.Lease;
import dev.mondrian.runner.bench.EngineBenchmark.Size;
import dev.mondrian.runner.bench.EngineBenchmark;
import dev.mondrian.runner.generation.GenerationRequest;
import dev.mondrian.runner.generation.GenerationStep;
import dev.mondrian.runner.generation.TokenStream;
import dev.mondrian.runner.model.ComputeThreads;
import dev.mondrian.runner.model.WeightFormat;
import dev.mondrian.runner.model.KvCache;
import dev.mondrian.runner.model.TextDecoder;
import dev.mondrian.runner.protocol.FunctionsClient;
import dev.mondrian.runner.sampling.SamplingParams;
import dev.mondrian.runner.tokenizer.TinyTokenizerFiles;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the runner's streaming costs generation, and how two jobs on one runner share the machine.
 * Not a test; {@code ./mondrian bench} runs it on a model folder EngineBenchmark wrote.
 *
 * <p>Streaming: the same greedy decode with and without {@link JobCallbacks} (default 100 ms
 * text batches and 5 s stats, sent over real HTTP to a loopback server that acknowledges each
 * call), alternated run by run. Concurrency: two whole jobs one after the other against the same
 * two interleaved on two threads over the shared model, and, as the measure of what batched
 * decoding could gain, one 2-token decoder step against two 1-token steps. Each prints one Markdown
 * table row on stdout; progress goes to stderr.
 */
public final class RunnerBenchmark {
    private static final int PROMPT = 128;
    private static final int STEPS = 32;

    private RunnerBenchmark() {}

    /** {@code streaming DIR SIZE} or {@code concurrency DIR SIZE}: one Markdown table row each. */
    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !Set.of("streaming", "concurrency").contains(args[0])) {
            System.err.println("usage: RunnerBenchmark streaming|concurrency DIR TINY|QWEN25_05B   (a folder EngineBenchmark wrote)");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        Size size = Size.valueOf(args[2]);
        int threads = ComputeThreads.configure(dir, "auto"); // as the runner chooses
        int decode = size == Size.TINY ? 1024 : 48;
        try (ModelHost host = ModelHost.load(dir, "cpu", PROMPT + 2 * decode + 2 * STEPS + 8, WeightFormat.STORED,
                "1", null, 1)) {
            long[] prompt = new SplittableRandom(5).longs(PROMPT, TinyTokenizerFiles.VOCAB_SIZE, size.decoder.vocab()).toArray();
            bare(host, prompt, decode); // warm-up
            if (args[0].equals("streaming")) {
                streaming(host, size, threads, prompt, decode, size == Size.TINY ? 31 : 7);
            } else {
                double sequential;
                double interleaved;
                double[] step;
                try (ProgressLine progress = ProgressLine.start("concurrency " + size, 3, "measurements")) {
                    sequential = sequential(host, prompt, decode);
                    progress.add(1);
                    interleaved = interleaved(host, prompt, decode);
                    progress.add(1);
                    step = stepMillis(host, prompt);
                }
                System.out.printf("| %s | %d | %.1f | %.1f | %.2f ms | %.2f ms |%n", size, threads, sequential, interleaved,
                        2 * step[0], step[1]);
            }
        }
    }

    /**
     * Rounds of three runs in rotating order: bare, streamed, and bare again as a control. Each run
     * is set against the bare run of its own round, so slow drifts of the machine cancel out, and
     * the control's difference shows how much of the streamed one is noise.
     */
    private static void streaming(ModelHost host, Size size, int threads, long[] prompt, int decode, int runs)
            throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = ackServer(calls);
        try {
            FunctionsClient client = new FunctionsClient(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), () -> "bench");
            double[] bare = new double[runs];
            double[] streamed = new double[runs];
            double[] control = new double[runs];
            int callsPerRun = 0;
            try (ProgressLine progress = ProgressLine.start("streaming " + size, 3L * runs, "runs")) {
                for (int run = 0; run < runs; run++) {
                    for (int slot = 0; slot < 3; slot++) {
                        switch ((slot + run) % 3) {
                            case 0 -> bare[run] = bare(host, prompt, decode).generationTps();
                            case 1 -> {
                                int before = calls.get();
                                streamed[run] = streamed(host, client, prompt, decode);
                                callsPerRun = calls.get() - before;
                            }
                            default -> control[run] = bare(host, prompt, decode).generationTps();
                        }
                        progress.add(1);
                    }
                }
            }
            System.out.printf("| %s | %d | %d | %.1f | %.1f | %+.2f%% | %+.2f%% | %d |%n", size, threads, decode,
                    EngineBenchmark.median(bare), EngineBenchmark.median(streamed), medianChange(streamed, bare),
                    medianChange(control, bare), callsPerRun);
        } finally {
            server.stop(0);
        }
    }

    private static double medianChange(double[] runs, double[] baseline) {
        double[] change = new double[runs.length];
        for (int i = 0; i < runs.length; i++) {
            change[i] = 100 * (runs[i] - baseline[i]) / baseline[i];
        }
        return EngineBenchmark.median(change);
    }

    private static GenerationRequest request(long[] prompt, int decode) {
        return new GenerationRequest(prompt, null, decode, SamplingParams.GREEDY, List.of(), Set.of());
    }

    private static GenerationStep bare(ModelHost host, long[] prompt, int decode) {
        GenerationStep last = null;
        try (TokenStream stream = host.generator().stream(request(prompt, decode))) {
            while (stream.hasNext()) {
                last = stream.next();
            }
        }
        return last;
    }

    /** The loop of {@link JobExecution} with its callbacks, the completion acknowledged before it returns. */
    private static double streamed(ModelHost host, FunctionsClient client, long[] prompt, int decode)
            throws InterruptedException {
        long start = System.nanoTime();
        Lease lease = new Lease("lease", 1, 0, 30_000);
        try (JobCallbacks callbacks = new JobCallbacks(client, "bench", lease, Duration.ofMillis(100), Duration.ofSeconds(5));
             TokenStream stream = host.generator().stream(request(prompt, decode))) {
            GenerationStep last = null;
            while (stream.hasNext()) {
                if (callbacks.stopReason() != null) {
                    throw new IllegalStateException(callbacks.stopReason());
                }
                last = stream.next();
                callbacks.progress(last.text(), new Progress(last.generationTokens(), last.generationTps(),
                        last.promptTokens(), (System.nanoTime() - start) / 1_000_000));
            }
            Progress done = new Progress(last.generationTokens(), last.generationTps(), last.promptTokens(), 0);
            if (callbacks.complete(done, stream.text(), Duration.ofSeconds(30)) != JobCallbacks.Outcome.DELIVERED) {
                throw new IllegalStateException("completion not delivered");
            }
            return last.generationTps();
        }
    }

    /** Generated tokens per second of wall time for two whole jobs, one after the other. */
    private static double sequential(ModelHost host, long[] prompt, int decode) {
        long start = System.nanoTime();
        bare(host, prompt, decode);
        bare(host, prompt, decode);
        return 2 * decode / ((System.nanoTime() - start) / 1e9);
    }

    /** The same two jobs side by side on two threads, as a runner with --jobs 2 runs them. */
    private static double interleaved(ModelHost host, long[] prompt, int decode) throws InterruptedException {
        long start = System.nanoTime();
        Thread other = Thread.ofPlatform().start(() -> bare(host, prompt, decode));
        bare(host, prompt, decode);
        other.join();
        return 2 * decode / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * Milliseconds of one decoder step over one new token, and over two: a batched decoder would
     * advance two streams in about the time of the second, interleaving takes twice the first.
     */
    private static double[] stepMillis(ModelHost host, long[] prompt) {
        TextDecoder decoder = host.model().decoder();
        try (KvCache cache = decoder.newCache(); NDManager scratch = host.model().manager().newSubManager()) {
            forward(decoder, scratch, cache, prompt);
            double[] millis = new double[2];
            for (int width = 1; width <= 2; width++) {
                long[] ids = java.util.Arrays.copyOf(prompt, width);
                forward(decoder, scratch, cache, ids); // warm-up for this shape
                long start = System.nanoTime();
                for (int i = 0; i < STEPS; i++) {
                    forward(decoder, scratch, cache, ids);
                }
                millis[width - 1] = (System.nanoTime() - start) / 1e6 / STEPS;
            }
            return millis;
        }
    }

    private static void forward(TextDecoder decoder, NDManager scratch, KvCache cache, long[] ids) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            decoder.forward(decoder.embed(scratch, ids), cache, false).toFloatArray();
        }
    }

    /** Answers every runner callback as the service would, counting them. */
    private static HttpServer ackServer(AtomicInteger calls) throws java.io.IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().factory()));
        byte[] ack = "{\"job_id\":\"bench\",\"status\":\"running\",\"lease_expires_at\":0,\"last_seq\":1,\"duplicate\":false}"
                .getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            calls.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, ack.length);
            exchange.getResponseBody().write(ack);
            exchange.close();
        });
        server.start();
        return server;
    }
}
