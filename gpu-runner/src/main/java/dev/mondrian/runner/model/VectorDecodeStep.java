package dev.mondrian.runner.model;

import ai.djl.ndarray.NDArray;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One sequence's next token through every layer in Java, on the CPU in float32: the same arithmetic as
 * {@link TextDecoder}'s PyTorch path, reading the weights (float32 tensors or {@link PackedMatrix} values), the
 * RoPE tables and the KV cache where they are held, and writing the new keys and values in place. A single-token step through PyTorch is about
 * 50 calls per layer whose fixed cost (through DJL's JNI, 20 µs and more each) came to a fifth of the step
 * on Qwen2.5-0.5B; here a step is the matrix products through {@link VectorKernel} (split across its
 * threads) and a few microseconds of Java between them (docs/BENCHMARKS.md, issue 21).
 */
final class VectorDecodeStep {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private record LayerMemory(MemorySegment inputNorm, MemorySegment qNorm, MemorySegment kNorm,
                               MemorySegment postNorm) {}

    private final TextConfig config;
    private final TextDecoder.Layer[] layers;
    private final LayerMemory[] norms;
    private final MemorySegment finalNorm;
    private final Projection lmHead;
    private final MemorySegment cos;
    private final MemorySegment sin;
    private final float scale;

    private VectorDecodeStep(TextConfig config, TextDecoder.Layer[] layers, LayerMemory[] norms,
                             MemorySegment finalNorm, Projection lmHead, MemorySegment cos, MemorySegment sin) {
        this.config = config;
        this.layers = layers;
        this.norms = norms;
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
        this.cos = cos;
        this.sin = sin;
        this.scale = (float) (1 / Math.sqrt(config.headDim()));
    }

    /**
     * The step for a decoder whose every weight and RoPE table can be read in place (in CPU memory, float32 or
     * packed, the kernel on); null otherwise, and the decoder stays with PyTorch.
     */
    static VectorDecodeStep of(TextConfig config, TextDecoder.Layer[] layers, NDArray finalNorm, Projection lmHead,
                               Rope rope) {
        if (!Projection.KERNEL || !lmHead.kernel()) {
            return null;
        }
        LayerMemory[] norms = new LayerMemory[layers.length];
        for (int i = 0; i < layers.length; i++) {
            TextDecoder.Layer layer = layers[i];
            for (Projection p : layer.projections()) {
                if (!p.kernel()) {
                    return null;
                }
            }
            norms[i] = new LayerMemory(VectorKernel.inPlace(layer.inputNorm()),
                    layer.qNorm() == null ? null : VectorKernel.inPlace(layer.qNorm()),
                    layer.kNorm() == null ? null : VectorKernel.inPlace(layer.kNorm()),
                    VectorKernel.inPlace(layer.postNorm()));
            if (norms[i].inputNorm() == null || norms[i].postNorm() == null
                    || (layer.qNorm() != null && (norms[i].qNorm() == null || norms[i].kNorm() == null))) {
                return null;
            }
        }
        MemorySegment finalMemory = VectorKernel.inPlace(finalNorm);
        MemorySegment cosMemory = VectorKernel.inPlace(rope.cosTable());
        MemorySegment sinMemory = VectorKernel.inPlace(rope.sinTable());
        if (finalMemory == null || cosMemory == null || sinMemory == null) {
            return null;
        }
        return new VectorDecodeStep(config, layers, norms, finalMemory, lmHead, cosMemory, sinMemory);
    }

    /**
     * The token with embedding {@code input} [hidden] at RoPE position {@code position} (every multimodal
     * axis at that position) appended to {@code cache}, which must be float32 in CPU memory; returns the
     * logits [vocab]. Advances the cache by one. Through {@code adapter}'s factors ({@link Adapter#memory()}) unless
     * it is null.
     */
    float[] forward(float[] input, int position, KvCache cache, Map<String, MemorySegment[]> adapter) {
        int dim = config.headDim();
        float[] c = new float[dim];
        float[] s = new float[dim];
        MemorySegment.copy(cos, ValueLayout.JAVA_FLOAT, (long) position * dim * Float.BYTES, c, 0, dim);
        MemorySegment.copy(sin, ValueLayout.JAVA_FLOAT, (long) position * dim * Float.BYTES, s, 0, dim);
        float[] h = input.clone();
        for (int i = 0; i < layers.length; i++) {
            layer(i, h, c, s, cache, adapter);
        }
        cache.advance(1, position + 1);
        return lmHead.multiply(rmsNorm(h, 0, h.length, finalNorm), adapter);
    }

    /** Layer i on h in place: attention and MLP, each added to the residual stream. */
    private void layer(int i, float[] h, float[] c, float[] s, KvCache cache, Map<String, MemorySegment[]> adapter) {
        TextDecoder.Layer layer = layers[i];
        LayerMemory norm = norms[i];
        int dim = config.headDim();
        float[] x = rmsNorm(h, 0, h.length, norm.inputNorm());
        float[] q = layer.q().multiply(x, adapter);
        float[] k = layer.k().multiply(x, adapter);
        float[] v = layer.v().multiply(x, adapter);
        for (int head = 0; head < config.numHeads(); head++) {
            if (norm.qNorm() != null) {
                normInPlace(q, head * dim, dim, norm.qNorm());
            }
            rotate(q, head * dim, c, s);
        }
        for (int head = 0; head < config.numKvHeads(); head++) {
            if (norm.kNorm() != null) {
                normInPlace(k, head * dim, dim, norm.kNorm());
            }
            rotate(k, head * dim, c, s);
        }
        float[] attended = attend(i, q, k, v, cache);
        add(h, layer.o().multiply(attended, adapter));
        float[] y = rmsNorm(h, 0, h.length, norm.postNorm());
        float[] gate = layer.gate().multiply(y, adapter);
        float[] up = layer.up().multiply(y, adapter);
        for (int j = 0; j < gate.length; j++) {
            float g = gate[j];
            gate[j] = g / (1 + (float) Math.exp(-g)) * up[j];
        }
        add(h, layer.down().multiply(gate, adapter));
    }

    /**
     * Stores this token's keys and values at the cache's next slot, then each query head attends over its
     * kv head's slots up to and including it: softmax(q·kᵀ·scale)·v.
     */
    private float[] attend(int layer, float[] q, float[] k, float[] v, KvCache cache) {
        int dim = config.headDim();
        int kvHeads = config.numKvHeads();
        int group = config.numHeads() / kvHeads;
        int capacity = cache.capacity();
        int slot = cache.length();
        int tokens = slot + 1;
        MemorySegment keys = cache.memory(layer, false);
        MemorySegment values = cache.memory(layer, true);
        for (int g = 0; g < kvHeads; g++) {
            long at = ((long) g * capacity + slot) * dim * Float.BYTES;
            MemorySegment.copy(k, g * dim, keys, ValueLayout.JAVA_FLOAT, at, dim);
            MemorySegment.copy(v, g * dim, values, ValueLayout.JAVA_FLOAT, at, dim);
        }
        float[] out = new float[q.length];
        float[] scores = new float[tokens];
        for (int head = 0; head < config.numHeads(); head++) {
            long base = (long) (head / group) * capacity * dim * Float.BYTES;
            int qAt = head * dim;
            float max = Float.NEGATIVE_INFINITY;
            for (int t = 0; t < tokens; t++) {
                scores[t] = dot(keys, base + (long) t * dim * Float.BYTES, q, qAt, dim) * scale;
                max = Math.max(max, scores[t]);
            }
            float sum = 0;
            for (int t = 0; t < tokens; t++) {
                scores[t] = (float) Math.exp(scores[t] - max);
                sum += scores[t];
            }
            for (int t = 0; t < tokens; t++) {
                accumulate(out, qAt, scores[t] / sum, values, base + (long) t * dim * Float.BYTES, dim);
            }
        }
        return out;
    }

    /** Rotates one head in the "rotate half" layout: x·cos + (−second, first)·sin. */
    private static void rotate(float[] x, int at, float[] c, float[] s) {
        int half = c.length / 2;
        for (int i = 0; i < half; i++) {
            float a = x[at + i];
            float b = x[at + half + i];
            x[at + i] = a * c[i] - b * s[i];
            x[at + half + i] = b * c[half + i] + a * s[half + i];
        }
    }

    /** x[from, from+n) · 1/sqrt(mean(x²) + eps) · weight, as a new array. */
    private float[] rmsNorm(float[] x, int from, int n, MemorySegment weight) {
        float[] out = new float[n];
        System.arraycopy(x, from, out, 0, n);
        normInPlace(out, 0, n, weight);
        return out;
    }

    private void normInPlace(float[] x, int from, int n, MemorySegment weight) {
        double squares = 0;
        for (int i = 0; i < n; i++) {
            squares += (double) x[from + i] * x[from + i];
        }
        float inverse = (float) (1 / Math.sqrt((float) (squares / n) + (float) config.rmsNormEps()));
        for (int i = 0; i < n; i++) {
            x[from + i] = x[from + i] * inverse * weight.getAtIndex(ValueLayout.JAVA_FLOAT, i);
        }
    }

    private static void add(float[] h, float[] delta) {
        for (int i = 0; i < h.length; i++) {
            h[i] += delta[i];
        }
    }

    private static float dot(MemorySegment memory, long offset, float[] x, int at, int n) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            acc = FloatVector.fromMemorySegment(SPECIES, memory, offset + (long) i * Float.BYTES, ORDER)
                    .fma(FloatVector.fromArray(SPECIES, x, at + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += memory.getAtIndex(ValueLayout.JAVA_FLOAT, offset / Float.BYTES + i) * x[at + i];
        }
        return sum;
    }

    /** out[at, at+n) += p · memory's n floats at offset. */
    private static void accumulate(float[] out, int at, float p, MemorySegment memory, long offset, int n) {
        FloatVector weight = FloatVector.broadcast(SPECIES, p);
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector.fromMemorySegment(SPECIES, memory, offset + (long) i * Float.BYTES, ORDER)
                    .fma(weight, FloatVector.fromArray(SPECIES, out, at + i)).intoArray(out, at + i);
        }
        for (; i < n; i++) {
            out[at + i] += p * memory.getAtIndex(ValueLayout.JAVA_FLOAT, offset / Float.BYTES + i);
        }
    }
}
