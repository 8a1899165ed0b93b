package dev.mondrian.runner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A Llama-family decoder (Llama, Qwen2, Mistral, SmolLM, Qwen3 and the Qwen-VL decoders): RMSNorm,
 * rotary embeddings (plain or multimodal), grouped-query attention over a {@link KvCache}, SwiGLU,
 * tied or untied output embeddings. One implementation for prefill (many tokens) and decode (one token),
 * and a batched decode step: one token for each of several sequences in one pass.
 */
public final class TextDecoder {
    record Layer(NDArray inputNorm, Projection q, Projection k, Projection v, Projection o, NDArray qNorm,
                 NDArray kNorm, NDArray postNorm, Projection gate, Projection up, Projection down) {
        List<Projection> projections() {
            return List.of(q, k, v, o, gate, up, down);
        }
    }

    private static final Pattern PACKABLE = Pattern.compile(
            "model\\.embed_tokens\\.weight|lm_head\\.weight"
                    + "|model\\.layers\\.\\d+\\.(self_attn\\.[qkvo]|mlp\\.(gate|up|down))_proj\\.weight");

    private final TextConfig config;
    private final NDManager manager;
    /** The embedding table, as a tensor or a {@link PackedMatrix}: one of the two is null. */
    private final NDArray embeddings;
    private final PackedMatrix packedEmbeddings;
    private final WidenedWeights widened;
    private final Projection lmHead;
    private final NDArray finalNorm;
    private final Layer[] layers;
    private final Rope rope;
    /** One sequence's single-token steps in Java where the weights allow (on a CPU, float32 or packed); else null. */
    private final VectorDecodeStep vectorStep;
    private final DataType type;
    private final int contextLength;
    /**
     * Scalars as tensors held for the model's life. DJL's {@code mul(Number)} makes a temporary
     * tensor of the number and frees it right after the operation, while autograd keeps pointing
     * at it for the backward pass: training through such an operation reads freed memory.
     */
    private final NDArray scale;
    private final NDArray one;

    TextDecoder(TextConfig config, Weights weights, NDManager manager, DataType type, int contextLength) {
        this.config = config;
        this.manager = manager;
        this.type = type;
        this.contextLength = contextLength;
        this.scale = manager.create((float) (1 / Math.sqrt(config.headDim()))).toType(type, false);
        this.one = manager.create(1f);
        widened = new WidenedWeights(manager);
        String embeddingName = "model.embed_tokens.weight";
        packedEmbeddings = weights.packed(embeddingName).orElse(null);
        embeddings = packedEmbeddings != null ? null : weights.get(embeddingName);
        String headName = config.tieWordEmbeddings() ? embeddingName : "lm_head.weight";
        if (weights.shape(headName).isEmpty()) {
            throw new IllegalArgumentException("tie_word_embeddings is false but the model has no lm_head.weight");
        }
        lmHead = Projection.of(weights, headName, null, null);
        finalNorm = weights.get("model.norm.weight");
        layers = new Layer[config.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "model.layers." + i + ".";
            String a = p + "self_attn.";
            layers[i] = new Layer(weights.get(p + "input_layernorm.weight"),
                    projection(weights, a + "q_proj", bias(weights, a + "q_proj.bias")),
                    projection(weights, a + "k_proj", bias(weights, a + "k_proj.bias")),
                    projection(weights, a + "v_proj", bias(weights, a + "v_proj.bias")),
                    projection(weights, a + "o_proj", config.outputBias() ? bias(weights, a + "o_proj.bias") : null),
                    config.qkNorm() ? weights.get(a + "q_norm.weight") : null,
                    config.qkNorm() ? weights.get(a + "k_norm.weight") : null,
                    weights.get(p + "post_attention_layernorm.weight"),
                    projection(weights, p + "mlp.gate_proj", null),
                    projection(weights, p + "mlp.up_proj", null),
                    projection(weights, p + "mlp.down_proj", null));
        }
        rope = new Rope(manager, config, contextLength, type);
        vectorStep = VectorDecodeStep.of(config, layers, finalNorm, lmHead, rope);
    }

    private Projection projection(Weights weights, String module, NDArray bias) {
        return Projection.of(weights, module + ".weight", bias, widened);
    }

    /**
     * The matrices a CPU may hold packed ({@link PackedMatrix}): the embeddings, the output projection and every
     * layer's projections, nearly all of a decoder's weights, and only read by {@link Projection} and
     * {@link #embed}.
     */
    static boolean packs(String name) {
        return PACKABLE.matcher(name).matches();
    }

    /**
     * The weights an {@link Adapter} may adapt at run time: every layer's projections, and the output
     * projection when it is a weight of its own (a tied one is the embedding table too).
     */
    Set<String> adaptable() {
        Set<String> names = new HashSet<>();
        for (Layer layer : layers) {
            for (Projection p : layer.projections()) {
                names.add(p.name());
            }
        }
        if (!config.tieWordEmbeddings()) {
            names.add(lmHead.name());
        }
        return names;
    }

    private NDArray bias(Weights weights, String name) {
        if (!config.attentionBias()) {
            return null;
        }
        return weights.optional(name).orElse(null);
    }

    public TextConfig config() {
        return config;
    }

    /** The type it computes in: float32 on a CPU, float16 on a GPU. */
    DataType computeType() {
        return type;
    }

    /** Whether single-token steps run in Java ({@link VectorDecodeStep}) rather than through PyTorch. */
    boolean decodesInJava() {
        return vectorStep != null;
    }

    /** Tokens one sequence may hold: prompt and generated text together. */
    public int contextLength() {
        return contextLength;
    }

    /** Bytes one {@link #newCache()} takes: keys and values of every layer at full context. */
    public long cacheBytes() {
        return 2L * layers.length * config.numKvHeads() * contextLength * config.headDim() * type.getNumOfBytes();
    }

    public KvCache newCache() {
        return new KvCache(manager, config, contextLength, type);
    }

    /** Token embeddings [seq, hidden] for the given ids, in the caller's scope. */
    public NDArray embed(NDManager scope, long[] ids) {
        return packedEmbeddings != null ? packedEmbeddings.rows(scope, ids) : embeddings.get(scope.create(ids));
    }

    /**
     * Runs [seq, hidden] input embeddings through the decoder at the cache's next positions and
     * appends them to the cache. Returns float32 logits: [seq, vocab] when {@code allPositions},
     * else [1, vocab] for the last position only (all that generation needs).
     */
    public NDArray forward(NDArray inputs, KvCache cache, boolean allPositions) {
        return forward(inputs, PositionIds.linear(cache.position(), (int) inputs.getShape().get(0)), List.of(), cache,
                null, allPositions);
    }

    /**
     * As {@link #forward(NDArray, KvCache, boolean)}, at the given RoPE positions, with DeepStack:
     * {@code addends.get(i)} ([seq, hidden], zero but at image tokens) is added to the output of
     * layer i, as Qwen3-VL feeds the vision tower's intermediate features to the first layers; through
     * {@code adapter}'s low-rank terms unless it is null.
     */
    public NDArray forward(NDArray inputs, PositionIds positions, List<NDArray> addends, KvCache cache, Adapter adapter,
                           boolean allPositions) {
        int seq = (int) inputs.getShape().get(0);
        int start = cache.length();
        if (start + seq > cache.capacity()) {
            throw new IllegalStateException("context full: " + start + " + " + seq + " tokens exceed " + cache.capacity());
        }
        if (positions.length() != seq || positions.next() > rope.capacity()) {
            throw new IllegalArgumentException("positions for " + positions.length() + " tokens up to "
                    + positions.next() + " do not fit " + seq + " tokens in a context of " + rope.capacity());
        }
        if (addends.size() > layers.length) {
            throw new IllegalArgumentException(addends.size() + " DeepStack levels for " + layers.length + " layers");
        }
        if (seq == 1 && addends.isEmpty()
                && vectorStepServes(List.of(cache), positions, Collections.singletonList(adapter)) && !inputs.hasGradient()) {
            return vectorStep(inputs, new int[] {(int) positions.axis(0)[0]}, List.of(cache), Collections.singletonList(adapter));
        }
        NDArray mask = seq > 1 ? causalMask(inputs.getManager(), start, seq) : null;
        Rope.Angles angles = rope.angles(inputs.getManager(), positions);
        AdapterRows rows = AdapterRows.all(adapter);
        NDArray h = inputs.toType(type, false);
        for (int i = 0; i < layers.length; i++) {
            int index = i;
            NDArray addend = i < addends.size() ? addends.get(i) : null;
            h = layer(i, h, h != inputs, rows, x -> attention(index, x, cache, start, angles, mask, rows));
            if (addend != null) {
                NDArray sum = h.add(addend.toType(type, false));
                h.close();
                h = sum;
            }
        }
        cache.advance(seq, positions.next());
        if (!allPositions && seq > 1) {
            h = h.get(new NDIndex("-1:"));
        }
        NDArray logits = lmHead.apply(rmsNorm(h, finalNorm), rows).toType(DataType.FLOAT32, false);
        if (seq > 1) {
            NativeHeap.trim(); // what the prompt's intermediates left in the C heap
        }
        return logits;
    }

    /**
     * One new token for each of several sequences, all at once: row b of {@code inputs} ([batch, hidden])
     * is the next token of the sequence whose cache is {@code caches.get(b)}, at that cache's next slot
     * and RoPE position. Every projection reads its weights once for the whole batch, and one attention
     * call per layer covers every sequence, each over its own cache (padded and masked to the longest).
     * Appends each row's keys and values to its cache and advances it by
     * one. Returns float32 logits [batch, vocab]. This is the model half of continuous batching: the
     * sequences may be of any lengths and may join or leave between steps, each through its own adapter
     * ({@code adapters.get(b)}, null for the base model alone).
     */
    public NDArray forwardBatch(NDArray inputs, List<KvCache> caches, List<Adapter> adapters) {
        int batch = (int) inputs.getShape().get(0);
        if (caches.size() != batch || adapters.size() != batch) {
            throw new IllegalArgumentException(batch + " tokens for " + caches.size() + " caches and " + adapters.size()
                    + " adapters");
        }
        for (KvCache cache : caches) {
            if (cache.length() >= cache.capacity() || cache.position() >= rope.capacity()) {
                throw new IllegalStateException("context full: a sequence already holds " + cache.length()
                        + " tokens, the next at position " + cache.position());
            }
        }
        if (batch <= VectorDecodeStep.MAX_ROWS && vectorStepServes(caches, null, adapters)) {
            return vectorStep(inputs, caches.stream().mapToInt(KvCache::position).toArray(), caches, adapters);
        }
        NDManager scope = inputs.getManager();
        Rope.Angles angles = rope.rows(scope, caches.stream().mapToLong(KvCache::position).toArray());
        int tokens = caches.stream().mapToInt(KvCache::length).max().orElseThrow() + 1;
        NDArray mask = paddingMask(scope, caches, tokens);
        AdapterRows rows = AdapterRows.of(scope, adapters, type);
        NDArray h = inputs.toType(type, false);
        for (int i = 0; i < layers.length; i++) {
            int index = i;
            h = layer(i, h, h != inputs, rows, x -> batchAttention(index, x, caches, angles, tokens, mask, rows));
        }
        for (KvCache cache : caches) {
            cache.advance(1, cache.position() + 1);
        }
        return lmHead.apply(rmsNorm(h, finalNorm), rows).toType(DataType.FLOAT32, false);
    }

    /**
     * Whether {@link VectorDecodeStep} can take these tokens: the decoder's weights, every cache and every adapter's
     * factors are in place, and each token sits at one position on every RoPE axis (always so after a prompt;
     * null positions: each cache's next).
     */
    private boolean vectorStepServes(List<KvCache> caches, PositionIds positions, List<Adapter> adapters) {
        if (vectorStep == null) {
            return false;
        }
        for (int b = 0; b < caches.size(); b++) {
            Adapter adapter = adapters.get(b);
            if (caches.get(b).memory(0, false) == null || (adapter != null && adapter.memory() == null)) {
                return false;
            }
        }
        if (positions == null || positions.isLinear()) {
            return true;
        }
        long first = positions.axis(0)[0];
        return positions.axis(1)[0] == first && positions.axis(2)[0] == first;
    }

    private NDArray vectorStep(NDArray inputs, int[] positions, List<KvCache> caches, List<Adapter> adapters) {
        float[] logits = vectorStep.forward(inputs.toFloatArray(), positions, caches, Adapter.KernelGroup.of(adapters));
        return inputs.getManager().create(logits, new Shape(caches.size(), logits.length / caches.size()));
    }

    /**
     * [batch, 1, 1, tokens]: 0 over each sequence's own slots (its cache and the token it adds), -inf
     * over the padding up to the longest sequence's.
     */
    private NDArray paddingMask(NDManager scope, List<KvCache> caches, int tokens) {
        float[] mask = new float[caches.size() * tokens];
        for (int b = 0; b < caches.size(); b++) {
            Arrays.fill(mask, b * tokens + caches.get(b).length() + 1, (b + 1) * tokens,
                    Float.NEGATIVE_INFINITY);
        }
        return scope.create(mask, new Shape(caches.size(), 1, 1, tokens)).toType(type, false);
    }

    /**
     * One decoder layer: its attention and its MLP each in a scope of their own, so a long prompt holds one half's
     * intermediates at a time; {@code ownsInput}: the input is the previous layer's output, freed here once used.
     * Only the output survives (autograd keeps what a backward pass needs on its own).
     */
    private NDArray layer(int i, NDArray h, boolean ownsInput, AdapterRows rows, UnaryOperator<NDArray> attention) {
        Layer layer = layers[i];
        NDArray mid = scoped(() -> h.add(attention.apply(rmsNorm(h, layer.inputNorm()))));
        if (ownsInput) {
            h.close();
        }
        NDArray out = scoped(() -> mid.add(mlp(layer, rmsNorm(mid, layer.postNorm()), rows)));
        mid.close();
        return out;
    }

    /**
     * What {@code step} returns, its intermediates freed as it returns: the layers, their halves and the steps within
     * them each free theirs, so a prompt holds no more than one step's at a time.
     */
    private static NDArray scoped(Supplier<NDArray> step) {
        NDArray out;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            out = step.get();
            NDScope.unregister(out);
        }
        NDScope.register(out);
        return out;
    }

    private NDArray attention(int index, NDArray x, KvCache cache, int start, Rope.Angles angles, NDArray mask,
                              AdapterRows rows) {
        Layer layer = layers[index];
        int seq = (int) x.getShape().get(0);
        NDArray[] qkv = rotatedQkv(layer, x, angles, rows);
        NDArray[] kv = cache.store(index, start, qkv[1], qkv[2]);
        NDArray out = scoped(() -> attend(qkv[0], kv, mask).reshape(seq, config.numHeads() * config.headDim()));
        return layer.o().apply(out, rows);
    }

    /**
     * The batch's projections in one matmul each; each row's keys and values go into its own cache;
     * then one batched attention over every cache read up to the longest sequence, the rest masked.
     * The operations per layer do not grow with the batch but for the cache writes and reads (four
     * small ones per sequence): on a CPU, per-operation cost is what a batched step spends beyond the
     * matmuls (docs/BENCHMARKS.md).
     */
    private NDArray batchAttention(int index, NDArray x, List<KvCache> caches, Rope.Angles angles, int tokens,
                                   NDArray mask, AdapterRows rows) {
        Layer layer = layers[index];
        NDArray[] qkv = rotatedQkv(layer, x, angles, rows);
        int batch = caches.size();
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int dim = config.headDim();
        NDList k = qkv[1].split(batch);
        NDList v = qkv[2].split(batch);
        NDList keys = new NDList(batch);
        NDList values = new NDList(batch);
        for (int b = 0; b < batch; b++) {
            NDArray[] cached = caches.get(b).append(index, k.get(b).reshape(kvHeads, dim),
                    v.get(b).reshape(kvHeads, dim), tokens);
            keys.add(cached[0]);
            values.add(cached[1]);
        }
        // [batch, kvHeads, group, dim] against [batch, kvHeads, tokens, dim]: the heads that share a kv
        // head sit next to each other, as in attend().
        NDArray q = qkv[0].reshape(batch, kvHeads, heads / kvHeads, dim);
        NDArray scores = q.matMul(NDArrays.stack(keys, 0).transpose(0, 1, 3, 2)).mul(scale).add(mask);
        NDArray probs = scores.toType(DataType.FLOAT32, false).softmax(-1).toType(type, false);
        NDArray out = probs.matMul(NDArrays.stack(values, 0)).reshape(batch, heads * dim);
        return layer.o().apply(out, rows);
    }

    /** q [seq, heads, headDim], k and v [seq, kvHeads, headDim]: projected, Qwen3's q/k norm, rotated. */
    private NDArray[] rotatedQkv(Layer layer, NDArray x, Rope.Angles angles, AdapterRows rows) {
        int seq = (int) x.getShape().get(0);
        int kvHeads = config.numKvHeads();
        int dim = config.headDim();
        NDArray q = layer.q().apply(x, rows).reshape(seq, config.numHeads(), dim);
        NDArray k = layer.k().apply(x, rows).reshape(seq, kvHeads, dim);
        NDArray v = layer.v().apply(x, rows).reshape(seq, kvHeads, dim);
        if (layer.qNorm() != null) {
            // Qwen3: each head's q and k normalised on their own before the rotation.
            q = rmsNorm(q, layer.qNorm());
            k = rmsNorm(k, layer.kNorm());
        }
        NDArray queries = q;
        NDArray keys = k;
        return new NDArray[] {scoped(() -> rope.apply(queries, angles)), scoped(() -> rope.apply(keys, angles)), v};
    }

    /**
     * Scaled dot-product attention of one sequence's queries [seq, heads, headDim] over its cached
     * keys and values [kvHeads, total, headDim], under {@code mask} (or none); returns [seq, heads, headDim].
     */
    private NDArray attend(NDArray q, NDArray[] kv, NDArray mask) {
        int seq = (int) q.getShape().get(0);
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int dim = config.headDim();
        int total = (int) kv[0].getShape().get(1);
        int group = heads / kvHeads;
        // Heads that share a kv head sit next to each other, so [kvHeads, group*seq, dim] lets one
        // batched matmul per kv head serve its whole group without copying the keys.
        NDArray grouped = q.transpose(1, 0, 2).reshape(kvHeads, group * seq, dim);
        NDArray scores = grouped.matMul(kv[0].transpose(0, 2, 1)).mul(scale);
        if (mask != null) {
            scores = scores.reshape(kvHeads, group, seq, total).add(mask).reshape(kvHeads, group * seq, total);
        }
        NDArray probs = scores.toType(DataType.FLOAT32, false).softmax(-1).toType(type, false);
        return probs.matMul(kv[1]).reshape(heads, seq, dim).transpose(1, 0, 2);
    }

    /**
     * SwiGLU: down(silu(gate(x)) · up(x)), each intermediate freed once used, so that no more than three of these,
     * a prompt's largest, are held at once. Not in place: autograd may have saved them for a backward pass (and
     * keeps them itself).
     */
    private NDArray mlp(Layer layer, NDArray x, AdapterRows rows) {
        NDArray gate = layer.gate().apply(x, rows);
        NDArray sigmoid = Activation.sigmoid(gate);
        NDArray silu = sigmoid.mul(gate);
        sigmoid.close();
        gate.close();
        NDArray up = layer.up().apply(x, rows);
        NDArray product = silu.mul(up);
        silu.close();
        up.close();
        return layer.down().apply(product, rows);
    }

    private NDArray rmsNorm(NDArray x, NDArray weight) {
        return scoped(() -> {
            NDArray f = x.toType(DataType.FLOAT32, false);
            // x · 1/sqrt(mean(x²) + eps), as transformers' rsqrt.
            NDArray inv = one.div(f.square().mean(new int[] {-1}, true).add((float) config.rmsNormEps()).sqrt());
            return f.mul(inv).toType(type, false).mul(weight);
        });
    }

    private NDArray causalMask(NDManager scope, int start, int seq) {
        int total = start + seq;
        float[] mask = new float[seq * total];
        for (int i = 0; i < seq; i++) {
            for (int j = start + i + 1; j < total; j++) {
                mask[i * total + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return scope.create(mask, new Shape(seq, total)).toType(type, false);
    }
}
