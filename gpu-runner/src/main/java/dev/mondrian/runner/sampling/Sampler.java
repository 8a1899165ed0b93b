package dev.mondrian.runner.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from float logits, in the order transformers applies its processors:
 * repetition penalty, temperature, top-k, top-p, then a seeded draw. Its buffers are sized
 * once for the vocabulary and reused for every token.
 */
public final class Sampler {
    private final SamplingParams params;
    private final SplittableRandom random;
    private final boolean[] seen;
    private final int[] order;
    private final float[] probs;
    private final long[] keys;

    public Sampler(SamplingParams params, int vocabSize) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
        this.seen = new boolean[vocabSize];
        this.order = new int[vocabSize];
        this.probs = new float[vocabSize];
        this.keys = new long[vocabSize];
    }

    /** Marks tokens (prompt and generated) that the repetition penalty applies to. */
    public void observe(long token) {
        if (token >= 0 && token < seen.length) {
            seen[(int) token] = true;
        }
    }

    /** Chooses a token; {@code logits} may be modified. */
    public int sample(float[] logits) {
        int vocab = Math.min(logits.length, seen.length);
        if (params.repetitionPenalty() != 1) {
            float penalty = (float) params.repetitionPenalty();
            for (int i = 0; i < vocab; i++) {
                if (seen[i]) {
                    logits[i] = logits[i] > 0 ? logits[i] / penalty : logits[i] * penalty;
                }
            }
        }
        if (params.greedy()) {
            return argmax(logits, vocab);
        }
        int candidates = candidates(logits, vocab);
        // Softmax over the survivors at the given temperature, largest first.
        float max = logits[order[0]];
        double sum = 0;
        for (int i = 0; i < candidates; i++) {
            probs[i] = (float) Math.exp((logits[order[i]] - max) / params.temperature());
            sum += probs[i];
        }
        if (params.topP() < 1) {
            double kept = 0;
            int n = 0;
            while (n < candidates && kept < params.topP() * sum) {
                kept += probs[n++];
            }
            candidates = Math.max(1, n);
            sum = kept;
        }
        double draw = random.nextDouble() * sum;
        for (int i = 0; i < candidates; i++) {
            draw -= probs[i];
            if (draw < 0) {
                return order[i];
            }
        }
        return order[candidates - 1];
    }

    /** Fills {@code order} with the candidate ids, highest logit first; returns how many there are. */
    private int candidates(float[] logits, int vocab) {
        if (params.topK() == 0 && params.topP() >= 1) {
            // No filter needs more order than the maximum first.
            int best = argmax(logits, vocab);
            order[0] = best;
            int n = 1;
            for (int i = 0; i < vocab; i++) {
                if (i != best) {
                    order[n++] = i;
                }
            }
            return vocab;
        }
        // One primitive sort of (descending logit, id) keys: no boxing, no per-token allocation.
        for (int i = 0; i < vocab; i++) {
            int bits = Float.floatToIntBits(logits[i]);
            int ascending = bits ^ ((bits >> 31) & 0x7fffffff);
            keys[i] = ((long) ~ascending << 32) | i;
        }
        Arrays.sort(keys, 0, vocab);
        int k = params.topK() > 0 ? Math.min(params.topK(), vocab) : vocab;
        for (int i = 0; i < k; i++) {
            order[i] = (int) keys[i];
        }
        return k;
    }

    /** The index of the largest of the first {@code vocab} logits: greedy decoding's choice. */
    public static int argmax(float[] logits, int vocab) {
        int best = 0;
        for (int i = 1; i < vocab; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
