package dev.mondrian.runner.model;

import ai.djl.ndarray.NDArray;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Decode steps in Java, on the CPU in float32: the next token of one sequence or of a batch of them through every
 * layer, the same arithmetic as {@link TextDecoder}'s PyTorch path, reading the weights (float32 tensors or
 * {@link PackedMatrix} values), the RoPE tables and the KV caches where they are held, and writing the new keys and
 * values in place. A step through PyTorch is about 50 calls per layer whose fixed cost (through DJL's JNI, 20 µs
 * and more each) came to a fifth of a single step on Qwen2.5-0.5B and a third of a batched step of eight; here a
 * step is the matrix products through {@link VectorKernel} (split across its threads, each weight read once for
 * the whole batch) and a little Java between them (docs/BENCHMARKS.md, issues 19 and 21).
 */
final class VectorDecodeStep {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** The most sequences a step takes here; larger batches go through PyTorch's GEMM (docs/BENCHMARKS.md, issue 19). */
    static final int MAX_ROWS = 16;

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
     * The next token of each of {@code caches.size()} sequences: row r of {@code inputs} [rows, hidden] is the
     * embedding of the token appended to {@code caches.get(r)} (float32 in CPU memory) at RoPE position
     * {@code positions[r]} (every multimodal axis at that position), through the factors of its group in
     * {@code adapters} (none when it is in none). Every product reads its weight once for all the rows; norms,
     * rotations and attention run row by row, each over its own cache. Returns the logits [rows, vocab] and
     * advances each cache by one.
     */
    float[] forward(float[] inputs, int[] positions, List<KvCache> caches, List<Adapter.KernelGroup> adapters) {
        int rows = caches.size();
        int dim = config.headDim();
        float[][] c = new float[rows][dim];
        float[][] s = new float[rows][dim];
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(cos, ValueLayout.JAVA_FLOAT, (long) positions[r] * dim * Float.BYTES, c[r], 0, dim);
            MemorySegment.copy(sin, ValueLayout.JAVA_FLOAT, (long) positions[r] * dim * Float.BYTES, s[r], 0, dim);
        }
        float[] h = inputs.clone();
        for (int i = 0; i < layers.length; i++) {
            layer(i, h, c, s, caches, adapters);
        }
        for (int r = 0; r < rows; r++) {
            caches.get(r).advance(1, positions[r] + 1);
        }
        return lmHead.multiply(rmsNorm(h, rows, finalNorm), rows, adapters);
    }

    /** Layer i on every row of h in place: attention and MLP, each added to the residual stream. */
    private void layer(int i, float[] h, float[][] c, float[][] s, List<KvCache> caches,
                       List<Adapter.KernelGroup> adapters) {
        TextDecoder.Layer layer = layers[i];
        LayerMemory norm = norms[i];
        int rows = caches.size();
        int dim = config.headDim();
        float[] x = rmsNorm(h, rows, norm.inputNorm());
        float[] q = layer.q().multiply(x, rows, adapters);
        float[] k = layer.k().multiply(x, rows, adapters);
        float[] v = layer.v().multiply(x, rows, adapters);
        int qWidth = config.numHeads() * dim;
        int kvWidth = config.numKvHeads() * dim;
        float[] attended = new float[rows * qWidth];
        // Rows attend over caches of their own, so a batch's rows are split across the kernel's threads.
        VectorKernel.instance().parallel(rows, 1, (from, to) -> {
            for (int r = from; r < to; r++) {
                for (int head = 0; head < config.numHeads(); head++) {
                    int at = r * qWidth + head * dim;
                    if (norm.qNorm() != null) {
                        normInPlace(q, at, dim, norm.qNorm());
                    }
                    rotate(q, at, c[r], s[r]);
                }
                for (int head = 0; head < config.numKvHeads(); head++) {
                    int at = r * kvWidth + head * dim;
                    if (norm.kNorm() != null) {
                        normInPlace(k, at, dim, norm.kNorm());
                    }
                    rotate(k, at, c[r], s[r]);
                }
                attend(i, q, r * qWidth, k, v, r * kvWidth, caches.get(r), attended);
            }
        });
        add(h, layer.o().multiply(attended, rows, adapters));
        float[] y = rmsNorm(h, rows, norm.postNorm());
        float[] gate = layer.gate().multiply(y, rows, adapters);
        silu(gate, layer.up().multiply(y, rows, adapters));
        add(h, layer.down().multiply(gate, rows, adapters));
    }

    /**
     * Stores one row's keys and values (k and v from {@code kvAt}) at its cache's next slot, then each of its query
     * heads (q from {@code qAt}) attends over its kv head's slots up to and including it: softmax(q·kᵀ·scale)·v,
     * written to {@code out} at {@code qAt}.
     */
    private void attend(int layer, float[] q, int qAt, float[] k, float[] v, int kvAt, KvCache cache, float[] out) {
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
            MemorySegment.copy(k, kvAt + g * dim, keys, ValueLayout.JAVA_FLOAT, at, dim);
            MemorySegment.copy(v, kvAt + g * dim, values, ValueLayout.JAVA_FLOAT, at, dim);
        }
        float[] scores = new float[tokens];
        for (int head = 0; head < config.numHeads(); head++) {
            long base = (long) (head / group) * capacity * dim * Float.BYTES;
            int headAt = qAt + head * dim;
            float max = Float.NEGATIVE_INFINITY;
            for (int t = 0; t < tokens; t++) {
                scores[t] = dot(keys, base + (long) t * dim * Float.BYTES, q, headAt, dim) * scale;
                max = Math.max(max, scores[t]);
            }
            float sum = 0;
            for (int t = 0; t < tokens; t++) {
                scores[t] = (float) Math.exp(scores[t] - max);
                sum += scores[t];
            }
            for (int t = 0; t < tokens; t++) {
                accumulate(out, headAt, scores[t] / sum, values, base + (long) t * dim * Float.BYTES, dim);
            }
        }
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

    /** Each of the rows of x · 1/sqrt(mean(x²) + eps) · weight, as a new array. */
    private float[] rmsNorm(float[] x, int rows, MemorySegment weight) {
        float[] out = x.clone();
        int width = x.length / rows;
        for (int r = 0; r < rows; r++) {
            normInPlace(out, r * width, width, weight);
        }
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

    /** gate · sigmoid(gate) · up, into gate. */
    private static void silu(float[] gate, float[] up) {
        int bound = SPECIES.loopBound(gate.length);
        int j = 0;
        for (; j < bound; j += SPECIES.length()) {
            FloatVector g = FloatVector.fromArray(SPECIES, gate, j);
            g.div(g.neg().lanewise(VectorOperators.EXP).add(1)).mul(FloatVector.fromArray(SPECIES, up, j))
                    .intoArray(gate, j);
        }
        for (; j < gate.length; j++) {
            float g = gate[j];
            gate[j] = g / (1 + (float) Math.exp(-g)) * up[j];
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
