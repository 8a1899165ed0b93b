package dev.mondrian.runner.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.mondrian.runner.model.KvCache;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.WeightFormat;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * What a weight format costs in accuracy: a model folder loaded as float32 decodes greedily from a prompt; the same
 * tokens are then teacher-forced through the folder loaded in another format, and every step's logits compared:
 * the largest |Δlogit| over the vocabulary and the steps, and how often the other format's top token is the
 * float32 one. Not a test; run by {@code ./mondrian bench int8}.
 */
public final class WeightsAccuracy {
    private WeightsAccuracy() {}

    /** {@code DIR FORMAT STEPS}: prints a Markdown row (folder, format, steps, max |Δlogit|, top tokens that agree). */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: WeightsAccuracy DIR stored|int8 TOKENS");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        WeightFormat format = WeightFormat.parse(args[1]);
        int steps = Integer.parseInt(args[2]);
        float[][] reference;
        long[] tokens;
        long[] prompt;
        try (Model model = Model.load(dir, "cpu", 512, WeightFormat.F32)) {
            int vocab = (int) model.config().text().vocabSize();
            prompt = new SplittableRandom(11).longs(32, 0, Math.min(vocab, 256)).toArray();
            reference = new float[steps][];
            tokens = new long[steps];
            try (NDManager scratch = model.manager().newSubManager(); KvCache cache = model.decoder().newCache()) {
                long[] next = prompt;
                for (int i = 0; i < steps; i++) {
                    reference[i] = step(model, scratch, next, cache);
                    tokens[i] = argmax(reference[i]);
                    next = new long[] {tokens[i]};
                }
            }
        }
        double maxDelta = 0;
        int agree = 0;
        try (Model model = Model.load(dir, "cpu", 512, format);
             NDManager scratch = model.manager().newSubManager();
             KvCache cache = model.decoder().newCache()) {
            long[] next = prompt;
            for (int i = 0; i < steps; i++) {
                float[] logits = step(model, scratch, next, cache);
                for (int v = 0; v < logits.length; v++) {
                    maxDelta = Math.max(maxDelta, Math.abs(logits[v] - reference[i][v]));
                }
                agree += argmax(logits) == tokens[i] ? 1 : 0;
                next = new long[] {tokens[i]};
            }
        }
        System.out.printf("| %s | %s | %d | %.4f | %d of %d (%.1f%%) |%n", dir.getFileName(), format, steps, maxDelta,
                agree, steps, 100.0 * agree / steps);
    }

    private static float[] step(Model model, NDManager scratch, long[] ids, KvCache cache) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return model.forward(scratch, ids, null, cache, false).toFloatArray();
        }
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
