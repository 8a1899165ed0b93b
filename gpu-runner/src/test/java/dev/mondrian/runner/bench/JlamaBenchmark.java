package dev.mondrian.runner.bench;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
import com.github.tjake.jlama.util.PhysicalCoreExecutor;
import dev.mondrian.progress.ProgressLine;
import dev.mondrian.runner.generation.ProcessMemory;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * The peer's side of {@link EngineBenchmark}'s comparison: Jlama (a pure-Java engine on the Vector API) on the
 * same folder, the same prompt ids, greedy, the same token counts and runs. Fair settings: its thread pool set
 * to the engine's thread count, float32 working memory and float32 activations (no int8 quantisation of
 * them), weights as the file stores them. Jlama's own generate() is not used because it stops at the
 * tokenizer's end token and re-encodes text; this drives the same calls it makes (one batched prefill, then a
 * forward and a sample per token) on the ids directly. Not a test; run by {@code ./mondrian bench}.
 */
public final class JlamaBenchmark {
    private JlamaBenchmark() {}

    /** {@code run DIR THREADS}: prints "prefill_tps decode_tps peak_bytes" on stdout. */
    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !args[0].equals("run")) {
            System.err.println("usage: JlamaBenchmark run DIR THREADS");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        PhysicalCoreExecutor.overrideThreadCount(Integer.parseInt(args[2]));
        AbstractModel model = ModelSupport.loadModel(dir.toFile(), DType.F32, DType.F32);
        int[] prompt = EngineBenchmark.prompt(model.getConfig().vocabularySize);
        double[] prefill = new double[EngineBenchmark.RUNS];
        double[] decode = new double[EngineBenchmark.RUNS];
        try (KvBufferCache caches = new KvBufferCache(model);
             ProgressLine progress = ProgressLine.start("jlama", EngineBenchmark.RUNS + 1, "runs")) {
            generate(model, caches, prompt, new double[2]); // warm-up
            progress.add(1);
            for (int run = 0; run < EngineBenchmark.RUNS; run++) {
                double[] rates = new double[2];
                generate(model, caches, prompt, rates);
                prefill[run] = rates[0];
                decode[run] = rates[1];
                progress.add(1);
            }
        }
        System.out.printf("%.2f %.2f %d%n", EngineBenchmark.median(prefill), EngineBenchmark.median(decode),
                ProcessMemory.peakBytes());
        System.exit(0); // Jlama's thread pool is not daemon
    }

    /** One generation in a fresh cache; rates[0] and rates[1] get its prefill and decode tokens per second. */
    private static void generate(AbstractModel model, KvBufferCache caches, int[] prompt, double[] rates) {
        KvBufferCache.KvBuffer cache = caches.getKvBuffer(UUID.randomUUID());
        AbstractTensor logits = model.makeDenseTensor(model.getConfig().vocabularySize);
        long start = System.nanoTime();
        AbstractTensor prefilledOut = model.batchForward(prompt, 0, cache);
        // As the engine's figures: prefill is the forward pass alone, decode every token from the first sample on.
        long prefilled = System.nanoTime();
        int token = model.sample(prefilledOut.slice(prefilledOut.shape().first() - 1), 0f, 0f, logits);
        prefilledOut.close();
        for (int i = 0; i < EngineBenchmark.DECODE - 1; i++) {
            try (AbstractTensor out = model.forward(token, prompt.length + i, cache, Optional.empty())) {
                token = model.sample(out, 0f, 0f, logits);
            }
        }
        long done = System.nanoTime();
        rates[0] = prompt.length / ((prefilled - start) / 1e9);
        rates[1] = (EngineBenchmark.DECODE - 1) / ((done - prefilled) / 1e9);
    }
}
