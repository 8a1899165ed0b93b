package dev.mondrian.runner.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.mondrian.progress.ProgressLine;
import dev.mondrian.runner.generation.GenerationRequest;
import dev.mondrian.runner.generation.GenerationStep;
import dev.mondrian.runner.generation.Generator;
import dev.mondrian.runner.generation.TokenStream;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.SafeTensorsWriter.DType;
import dev.mondrian.runner.model.TinyDecoder;
import dev.mondrian.runner.model.WeightFormat;
import dev.mondrian.runner.sampling.SamplingParams;
import dev.mondrian.runner.tokenizer.ModelTokenizer;
import dev.mondrian.runner.tokenizer.TinyTokenizerFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Single-stream prefill and decode speed of the engine on a random-weight model, set against the
 * memory-bandwidth bound: decoding one token reads every weight once, so no engine can beat
 * bandwidth / weight bytes. Not a test; run by {@code ./mondrian bench}, which writes each model
 * in one JVM and measures it in another, so the peak-memory figure is the engine's alone. Prints
 * one Markdown table row on stdout; progress goes to stderr.
 */
public final class EngineBenchmark {
    static final int PROMPT = 128;
    static final int DECODE = 64;
    static final int RUNS = 5;

    /** The shapes benchmarked: a tiny model (engine overhead) and Qwen2.5-0.5B's exact shape. */
    public enum Size {
        TINY(new TinyDecoder("Qwen2ForCausalLM", "qwen2", 512, 64, 128, 2, 4, 2, 16, 1e-6, 1e6, null, true, true, 11)),
        QWEN25_05B(new TinyDecoder("Qwen2ForCausalLM", "qwen2", 151936, 896, 4864, 24, 14, 2, 64, 1e-6, 1e6, null,
                true, true, 12));

        public final TinyDecoder decoder;

        Size(TinyDecoder decoder) {
            this.decoder = decoder;
        }
    }

    private EngineBenchmark() {}

    /** Where the benchmarks load their models: {@code -Dmondrian.bench.device=gpu} on a GPU host, else the CPU. */
    static String device() {
        return System.getProperty("mondrian.bench.device", "cpu");
    }

    /**
     * {@code write DIR SIZE DTYPE} makes the model folder; {@code run DIR SIZE DTYPE} measures it in a fresh JVM
     * and prints a table row; {@code peer DIR SIZE DTYPE [stored|f32|int8]} measures it the same way, its matrices
     * held in that format, and prints only "prefill_tps decode_tps peak_bytes", as {@link JlamaBenchmark} does,
     * for the comparison with the peer.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 4 || args.length > 5 || !Set.of("write", "run", "peer").contains(args[0])) {
            System.err.println("usage: EngineBenchmark write|run|peer DIR TINY|QWEN25_05B F32|BF16|F16 [stored|f32|int8]");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        Size shape = Size.valueOf(args[2]);
        DType dtype = DType.valueOf(args[3]);
        if (args[0].equals("write")) {
            long start = System.nanoTime();
            shape.decoder.writeStreaming(dir, dtype);
            TinyTokenizerFiles.write(dir, false, shape.decoder.vocab());
            System.err.printf("wrote %s %s in %.1f s%n", shape, dtype, (System.nanoTime() - start) / 1e9);
        } else {
            run(shape, dtype, dir, args[0].equals("peer"),
                    args.length == 5 ? WeightFormat.parse(args[4]) : WeightFormat.STORED);
        }
    }

    private static void run(Size shape, DType dtype, Path dir, boolean peer, WeightFormat format) throws Exception {
        long loadStart = System.nanoTime();
        try (Model model = Model.load(dir, device(), PROMPT + DECODE + 8, format);
             ModelTokenizer tokenizer = ModelTokenizer.load(dir)) {
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            Generator generator = new Generator(model, tokenizer);
            long[] prompt = Arrays.stream(prompt(shape.decoder.vocab())).asLongStream().toArray();
            double[] prefill = new double[RUNS];
            double[] decode = new double[RUNS];
            long peak = 0;
            try (ProgressLine progress = ProgressLine.start("engine " + shape + " " + dtype, RUNS + 1, "runs")) {
                generate(generator, prompt); // warm-up: first calls pay for PyTorch's lazy initialisation
                progress.add(1);
                for (int run = 0; run < RUNS; run++) {
                    GenerationStep last = generate(generator, prompt);
                    prefill[run] = last.promptTps();
                    decode[run] = last.generationTps();
                    peak = last.peakMemoryBytes();
                    progress.add(1);
                }
            }
            if (peer) {
                System.out.printf("%.2f %.2f %d%n", median(prefill), median(decode), peak);
                return;
            }
            // Measured after the runs so its 1 GiB buffer stays out of the peak-memory figure.
            double bandwidth = readBandwidth();
            long weightBytes = decodeWeightBytes(shape.decoder, dtype);
            double bound = bandwidth / weightBytes;
            double decodeMedian = median(decode);
            System.out.printf("| %s | %s | %.2f M | %.1f MB | %.1f s | %.1f | %.1f | %.1f | %.0f%% | %.1f GB/s | %.0f MB |%n",
                    shape, dtype, shape.decoder.parameters() / 1e6, weightBytes / 1e6, loadSeconds, median(prefill),
                    decodeMedian, bound, 100 * decodeMedian / bound, bandwidth / 1e9, peak / 1e6);
        }
    }

    /** The measured prompt: random ids past the tokenizer's own, the same for the engine and its peer. */
    static int[] prompt(int vocab) {
        return new SplittableRandom(5).ints(PROMPT, TinyTokenizerFiles.VOCAB_SIZE, vocab).toArray();
    }

    private static GenerationStep generate(Generator generator, long[] prompt) {
        // EOS never ends the run: every run decodes exactly DECODE tokens.
        GenerationRequest request = new GenerationRequest(prompt, null, DECODE, SamplingParams.GREEDY, List.of(), Set.of());
        GenerationStep last = null;
        try (TokenStream stream = generator.stream(request)) {
            while (stream.hasNext()) {
                last = stream.next();
            }
        }
        return last;
    }

    /**
     * Bytes of weights one decode step reads, as held in memory: every matrix, plus the output projection,
     * which with tied embeddings is the embedding table; the embedding lookup itself reads one row. A BF16
     * file's matrices stay BF16 (2 bytes each); F32 and F16 files are computed in float32 (4 bytes).
     */
    static long decodeWeightBytes(TinyDecoder d, DType dtype) {
        long embedding = (long) d.vocab() * d.hidden();
        return (dtype == DType.BF16 ? 2 : 4) * (d.parameters() - (d.tied() ? 0 : embedding));
    }

    /** Read bandwidth as PyTorch sees it: the best of several full reads of a 1 GiB F32 tensor. */
    static double readBandwidth() {
        try (NDManager manager = NDManager.newBaseManager()) {
            long elements = 1L << 28;
            NDArray big = manager.ones(new Shape(elements), DataType.FLOAT32);
            double best = 0;
            for (int i = 0; i < 6; i++) {
                long start = System.nanoTime();
                try (NDArray sum = big.sum()) {
                    sum.getFloat();
                }
                best = Math.max(best, elements * 4 / ((System.nanoTime() - start) / 1e9));
            }
            return best;
        }
    }

    public static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
