package dev.mondrian.runner.model.qwenvl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import dev.mondrian.runner.model.ImageEncoder;
import dev.mondrian.runner.model.ImageFeatures;
import dev.mondrian.runner.model.PreparedImage;
import dev.mondrian.runner.model.Weights;
import dev.mondrian.runner.model.qwenvl.QwenVisionConfig.Generation;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The vision tower of Qwen2-VL, Qwen2.5-VL and Qwen3-VL: a ViT over the image's own patch grid with
 * 2-D rotary positions, whose patches are merged 2×2 into the decoder's width. Qwen2.5-VL attends
 * within windows in most layers; Qwen3-VL adds interpolated learned positions and DeepStack levels.
 *
 * <p>Patches stay in the processor's merge-window order throughout: the merger takes each run of
 * merge² patches as one token. Qwen2.5-VL's windows are index lists into that order (transformers
 * reorders the sequence by window instead and undoes it after the merger; attention is the same
 * either way, since each window's patches attend only to each other).
 */
final class QwenVisionTower implements ImageEncoder {
    private static final float NORM_EPS = 1e-6f;
    private static final double ROPE_THETA = 10000;

    /**
     * @param in  fc1 (Qwen2-VL), gate_proj (Qwen2.5-VL) or linear_fc1 (Qwen3-VL)
     * @param up  up_proj of Qwen2.5-VL's gated MLP; null otherwise
     * @param out fc2, down_proj or linear_fc2
     */
    private record Block(NDArray norm1Weight, NDArray norm1Bias, NDArray qkv, NDArray qkvBias, NDArray proj,
                         NDArray projBias, NDArray norm2Weight, NDArray norm2Bias, NDArray in, NDArray inBias,
                         NDArray up, NDArray upBias, NDArray out, NDArray outBias) {}

    /** @param postShuffle whether the norm sees merged tokens (DeepStack's) rather than patches */
    private record Merger(NDArray normWeight, NDArray normBias, boolean postShuffle, NDArray fc1, NDArray fc1Bias,
                          NDArray fc2, NDArray fc2Bias) {}

    /**
     * Sets of patches that attend only among themselves, laid out as {@code count} rows of
     * {@code length}: the image's frames, or Qwen2.5-VL's windows padded to the longest.
     *
     * @param gather  patch index at each of the count×length places; null where the sequence already is that layout
     * @param scatter each patch's place among the count×length; null likewise
     * @param keyMask [count, 1, 1, length] f32, -inf at padding places; null where there is none
     */
    private record Groups(int count, int length, NDArray gather, NDArray scatter, NDArray keyMask) {}

    /** The patch grid of one image: frames × rows × columns, in patches. */
    private record Grid(int frames, int rows, int cols) {
        int patches() {
            return frames * rows * cols;
        }
    }

    private final QwenVisionConfig config;
    private final QwenImageProcessor processor;
    private final DataType type;
    private final NDArray patchWeight;
    private final NDArray patchBias;
    private final NDArray positionTable;
    private final Block[] blocks;
    private final Merger merger;
    private final Merger[] deepstackMergers;
    /** inv_freq of the vision rotary embedding, as transformers rounds it to float32. */
    private final float[] inverseFrequencies;
    /** Scalars as tensors held for the model's life, for training's sake: see TextDecoder's. */
    private final NDArray attentionScale;
    private final NDArray one;
    private final NDArray half;
    private final NDArray quickGelu;
    private final NDArray tanhCubic;
    private final NDArray tanhScale;
    /** Bytes a chunk of f32 attention scores may take: bounds the tower's memory on large images. Tests shrink it. */
    long scoreBudget = 64L << 20;

    QwenVisionTower(QwenVisionConfig config, Weights weights, DataType type, QwenImageProcessor processor) {
        this.config = config;
        this.processor = processor;
        this.type = type;
        Generation generation = config.generation();
        // The Conv3d's stride equals its kernel, so it is one linear map of each flattened (C, T, P, P) patch.
        patchWeight = weights.get("visual.patch_embed.proj.weight").reshape(config.hiddenSize(), config.patchValues());
        patchBias = generation == Generation.QWEN3_VL ? weights.get("visual.patch_embed.proj.bias") : null;
        positionTable = generation == Generation.QWEN3_VL ? weights.get("visual.pos_embed.weight") : null;
        blocks = new Block[config.depth()];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = block(weights, "visual.blocks." + i + ".");
        }
        if (generation == Generation.QWEN3_VL) {
            merger = merger(weights, "visual.merger.", "norm.", false, "linear_fc1.", "linear_fc2.");
        } else {
            merger = merger(weights, "visual.merger.", "ln_q.", false, "mlp.0.", "mlp.2.");
        }
        List<Integer> deepstack = config.deepstackLayers();
        deepstackMergers = new Merger[deepstack.size()];
        for (int j = 0; j < deepstackMergers.length; j++) {
            if (deepstack.get(j) < 0 || deepstack.get(j) >= config.depth()) {
                throw new IllegalArgumentException("deepstack_visual_indexes names layer " + deepstack.get(j)
                        + " of a " + config.depth() + "-layer vision tower");
            }
            deepstackMergers[j] = merger(weights, "visual.deepstack_merger_list." + j + ".", "norm.", true,
                    "linear_fc1.", "linear_fc2.");
        }
        if (generation == Generation.QWEN2_5_VL && windowUnits() < 1) {
            throw new IllegalArgumentException("window_size " + config.windowSize() + " is smaller than one merged token ("
                    + config.mergeSize() * config.patchSize() + " pixels)");
        }
        inverseFrequencies = inverseFrequencies(config.headDim() / 2);
        NDManager manager = patchWeight.getManager();
        attentionScale = scalar(manager, 1 / Math.sqrt(config.headDim()), type);
        one = scalar(manager, 1, DataType.FLOAT32);
        half = scalar(manager, 0.5, type);
        quickGelu = scalar(manager, 1.702, type);
        tanhCubic = scalar(manager, 0.044715, type);
        tanhScale = scalar(manager, Math.sqrt(2 / Math.PI), type);
    }

    private Block block(Weights weights, String p) {
        String mlp = p + "mlp.";
        return switch (config.generation()) {
            case QWEN2_VL, QWEN3_VL -> {
                String fc = config.generation() == Generation.QWEN2_VL ? "fc" : "linear_fc";
                yield new Block(weights.get(p + "norm1.weight"), weights.get(p + "norm1.bias"),
                        weights.get(p + "attn.qkv.weight"), weights.get(p + "attn.qkv.bias"),
                        weights.get(p + "attn.proj.weight"), weights.get(p + "attn.proj.bias"),
                        weights.get(p + "norm2.weight"), weights.get(p + "norm2.bias"),
                        weights.get(mlp + fc + "1.weight"), weights.get(mlp + fc + "1.bias"), null, null,
                        weights.get(mlp + fc + "2.weight"), weights.get(mlp + fc + "2.bias"));
            }
            // RMSNorms (weight only) and a gated MLP with biases.
            case QWEN2_5_VL -> new Block(weights.get(p + "norm1.weight"), null,
                    weights.get(p + "attn.qkv.weight"), weights.get(p + "attn.qkv.bias"),
                    weights.get(p + "attn.proj.weight"), weights.get(p + "attn.proj.bias"),
                    weights.get(p + "norm2.weight"), null,
                    weights.get(mlp + "gate_proj.weight"), weights.get(mlp + "gate_proj.bias"),
                    weights.get(mlp + "up_proj.weight"), weights.get(mlp + "up_proj.bias"),
                    weights.get(mlp + "down_proj.weight"), weights.get(mlp + "down_proj.bias"));
        };
    }

    private Merger merger(Weights weights, String p, String norm, boolean postShuffle, String fc1, String fc2) {
        // Qwen2.5-VL's ln_q is an RMSNorm: a weight and no bias.
        NDArray normBias = config.generation() == Generation.QWEN2_5_VL ? null : weights.get(p + norm + "bias");
        return new Merger(weights.get(p + norm + "weight"), normBias, postShuffle, weights.get(p + fc1 + "weight"),
                weights.get(p + fc1 + "bias"), weights.get(p + fc2 + "weight"), weights.get(p + fc2 + "bias"));
    }

    private static NDArray scalar(NDManager manager, double value, DataType type) {
        return manager.create((float) value).toType(type, false);
    }

    /**
     * 1 / 10000^(2i/dim) over {@code dim} = headDim/2 rotary dimensions, each step in float32 as
     * transformers' VisionRotaryEmbedding computes it (arange / dim, then pow, then reciprocal).
     */
    static float[] inverseFrequencies(int dim) {
        float[] inv = new float[dim / 2];
        for (int i = 0; i < inv.length; i++) {
            float exponent = (float) (2 * i) / (float) dim;
            inv[i] = 1f / (float) Math.pow(ROPE_THETA, exponent);
        }
        return inv;
    }

    @Override
    public PreparedImage prepare(BufferedImage image, int maxTokens) {
        return processor.prepare(image, maxTokens);
    }

    @Override
    public ImageFeatures encode(NDManager scope, PreparedImage image) {
        Grid grid = grid(image);
        NDArray h = kept(() -> embed(scope, image.pixels(), grid));
        NDArray[] rotary = rotary(scope, grid);
        Groups frames = frames(grid);
        Groups windows = config.generation() == Generation.QWEN2_5_VL ? windows(scope, grid) : null;
        List<NDArray> deepstack = new ArrayList<>();
        for (int i = 0; i < blocks.length; i++) {
            Block block = blocks[i];
            Groups groups = windows == null || config.fullAttentionBlocks().contains(i) ? frames : windows;
            NDArray in = h;
            h = kept(() -> block(block, in, rotary, groups));
            int level = config.deepstackLayers().indexOf(i);
            if (level >= 0) {
                NDArray out = h;
                deepstack.add(owned(scope, kept(() -> merge(deepstackMergers[level], out))));
            }
        }
        NDArray last = h;
        NDArray embeddings = owned(scope, kept(() -> merge(merger, last)));
        return new ImageFeatures(embeddings, List.copyOf(deepstack));
    }

    private Grid grid(PreparedImage image) {
        int[] tokens = image.tokenGrid();
        if (tokens.length != 3 || tokens[0] < 1 || tokens[1] < 1 || tokens[2] < 1) {
            throw new IllegalArgumentException("a Qwen-VL image needs a (temporal, height, width) token grid");
        }
        int merge = config.mergeSize();
        Grid grid = new Grid(tokens[0], tokens[1] * merge, tokens[2] * merge);
        if (image.pixels().length != (long) grid.patches() * config.patchValues()) {
            throw new IllegalArgumentException(image.pixels().length + " pixel values do not make the "
                    + grid.patches() + " patches of " + config.patchValues() + " values the token grid "
                    + tokens[0] + "x" + tokens[1] + "x" + tokens[2] + " needs");
        }
        return grid;
    }

    /** Runs {@code step} in a scope of its own, so only its result outlives it (one layer's intermediates at a time). */
    private static NDArray kept(Supplier<NDArray> step) {
        NDArray out;
        try (NDScope inner = new NDScope()) {
            inner.suppressNotUsedWarning();
            out = step.get();
            NDScope.unregister(out);
        }
        NDScope.register(out);
        return out;
    }

    /** The array, attached to the caller's manager: what the tower returns lives as long as the caller says. */
    private static NDArray owned(NDManager scope, NDArray array) {
        array.attach(scope);
        return array;
    }

    /** Patch embeddings [patches, hidden], plus Qwen3-VL's interpolated learned positions. */
    private NDArray embed(NDManager scope, float[] pixels, Grid grid) {
        NDArray patches = scope.create(pixels, new Shape(grid.patches(), config.patchValues())).toType(type, false);
        NDArray h = linear(patches, patchWeight, patchBias);
        if (positionTable != null) {
            h = h.add(interpolatedPositions(scope, grid));
        }
        return h;
    }

    /**
     * Qwen3-VL's learned positions, a square table bilinearly resampled to the patch grid with the
     * corners aligned (transformers' fast_pos_embed_interpolate): per patch, the four surrounding
     * table entries weighted by the distances, summed in the order (floor,floor), (floor,ceil),
     * (ceil,floor), (ceil,ceil). Each frame of a clip gets the same positions.
     */
    private NDArray interpolatedPositions(NDManager scope, Grid grid) {
        int side = (int) Math.round(Math.sqrt(config.positionEmbeddings()));
        float[] rowAt = linspace(side - 1, grid.rows());
        float[] colAt = linspace(side - 1, grid.cols());
        int n = grid.patches();
        long[][] index = new long[4][n];
        float[][] weight = new float[4][n];
        int[][] position = patchPositions(grid);
        for (int p = 0; p < n; p++) {
            float r = rowAt[position[0][p]];
            float c = colAt[position[1][p]];
            int r0 = (int) r;
            int c0 = (int) c;
            int r1 = Math.min(r0 + 1, side - 1);
            int c1 = Math.min(c0 + 1, side - 1);
            float dr = r - r0;
            float dc = c - c0;
            index[0][p] = (long) r0 * side + c0;
            index[1][p] = (long) r0 * side + c1;
            index[2][p] = (long) r1 * side + c0;
            index[3][p] = (long) r1 * side + c1;
            weight[0][p] = (1 - dr) * (1 - dc);
            weight[1][p] = (1 - dr) * dc;
            weight[2][p] = dr * (1 - dc);
            weight[3][p] = dr * dc;
        }
        NDArray sum = null;
        for (int corner = 0; corner < 4; corner++) {
            NDArray w = scope.create(weight[corner], new Shape(n, 1)).toType(type, false);
            NDArray term = positionTable.get(scope.create(index[corner])).mul(w);
            sum = sum == null ? term : sum.add(term);
        }
        return sum;
    }

    /**
     * torch.linspace(0, end, steps) in float32: a step of end/(steps-1), the first half counted up
     * from 0, the second half down from {@code end}.
     */
    static float[] linspace(float end, int steps) {
        float[] values = new float[steps];
        if (steps == 1) {
            return values;
        }
        float step = end / (float) (steps - 1);
        for (int i = 0; i < steps; i++) {
            values[i] = i < steps / 2 ? step * (float) i : end - step * (float) (steps - 1 - i);
        }
        return values;
    }

    /**
     * Each patch's (row, column) in the patch grid, in the processor's merge-window order: frame,
     * block row, block column, row within the block, column within the block.
     */
    private int[][] patchPositions(Grid grid) {
        int merge = config.mergeSize();
        int[][] position = new int[2][grid.patches()];
        int p = 0;
        for (int t = 0; t < grid.frames(); t++) {
            for (int br = 0; br < grid.rows() / merge; br++) {
                for (int bc = 0; bc < grid.cols() / merge; bc++) {
                    for (int r = 0; r < merge; r++) {
                        for (int c = 0; c < merge; c++) {
                            position[0][p] = br * merge + r;
                            position[1][p] = bc * merge + c;
                            p++;
                        }
                    }
                }
            }
        }
        return position;
    }

    /**
     * The 2-D rotary embedding's cos and sin [patches, 1, headDim], float32. A patch's angles are its
     * row times inv_freq then its column times inv_freq (headDim/2 values, each product rounded to
     * float32 as transformers' outer product is), repeated once ("emb = cat(freqs, freqs)") so the
     * rotate-half pairing i ↔ i + headDim/2 turns both halves by the same angle.
     */
    private NDArray[] rotary(NDManager scope, Grid grid) {
        int dim = config.headDim();
        int halfDim = dim / 2;
        int quarter = inverseFrequencies.length;
        int n = grid.patches();
        int[][] position = patchPositions(grid);
        float[] cos = new float[n * dim];
        float[] sin = new float[n * dim];
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < halfDim; i++) {
                float angle = i < quarter ? (float) position[0][p] * inverseFrequencies[i]
                        : (float) position[1][p] * inverseFrequencies[i - quarter];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[p * dim + i] = cos[p * dim + i + halfDim] = c;
                sin[p * dim + i] = sin[p * dim + i + halfDim] = s;
            }
        }
        return new NDArray[] {scope.create(cos, new Shape(n, 1, dim)), scope.create(sin, new Shape(n, 1, dim))};
    }

    /** Full attention: each frame's patches attend to that frame's (one group for an image). */
    private Groups frames(Grid grid) {
        return new Groups(grid.frames(), grid.rows() * grid.cols(), null, null, null);
    }

    /** Qwen2.5-VL's window side in merged tokens: window_size pixels / merge / patch, as transformers floors it. */
    private int windowUnits() {
        return config.windowSize() / config.mergeSize() / config.patchSize();
    }

    /**
     * Qwen2.5-VL's windows (transformers' get_window_index): per frame, the merged-token grid is cut
     * into squares of {@link #windowUnits()} tokens from the top left; edge windows are smaller (the
     * padding transformers marks -100 is left out), and each window's tokens go in raster order, each
     * token as its merge² consecutive patches. A window as large as the image is the whole frame, in
     * the image's own order: full attention.
     */
    private Groups windows(NDManager scope, Grid grid) {
        int merge = config.mergeSize();
        int unit = merge * merge;
        int side = windowUnits();
        int tokenRows = grid.rows() / merge;
        int tokenCols = grid.cols() / merge;
        List<int[]> windows = new ArrayList<>();
        for (int t = 0; t < grid.frames(); t++) {
            for (int wr = 0; wr < tokenRows; wr += side) {
                for (int wc = 0; wc < tokenCols; wc += side) {
                    int rows = Math.min(side, tokenRows - wr);
                    int cols = Math.min(side, tokenCols - wc);
                    int[] patches = new int[rows * cols * unit];
                    int k = 0;
                    for (int r = wr; r < wr + rows; r++) {
                        for (int c = wc; c < wc + cols; c++) {
                            int token = (t * tokenRows + r) * tokenCols + c;
                            for (int u = 0; u < unit; u++) {
                                patches[k++] = token * unit + u;
                            }
                        }
                    }
                    windows.add(patches);
                }
            }
        }
        int length = windows.stream().mapToInt(w -> w.length).max().orElseThrow();
        int count = windows.size();
        long[] gather = new long[count * length];
        long[] scatter = new long[grid.patches()];
        float[] mask = new float[count * length];
        boolean padded = false;
        for (int w = 0; w < count; w++) {
            int[] patches = windows.get(w);
            for (int j = 0; j < length; j++) {
                if (j < patches.length) {
                    gather[w * length + j] = patches[j];
                    scatter[patches[j]] = (long) w * length + j;
                } else {
                    // Padding repeats a real patch, so its row stays finite; no query attends to it.
                    gather[w * length + j] = patches[0];
                    mask[w * length + j] = Float.NEGATIVE_INFINITY;
                    padded = true;
                }
            }
        }
        boolean identity = count == grid.frames();
        return new Groups(count, length, identity ? null : scope.create(gather),
                identity ? null : scope.create(scatter),
                padded ? scope.create(mask, new Shape(count, 1, 1, length)) : null);
    }

    private NDArray block(Block block, NDArray h, NDArray[] rotary, Groups groups) {
        NDArray mid = h.add(attention(block, norm(h, block.norm1Weight(), block.norm1Bias()), rotary, groups));
        return mid.add(mlp(block, norm(mid, block.norm2Weight(), block.norm2Bias())));
    }

    private NDArray attention(Block block, NDArray x, NDArray[] rotary, Groups groups) {
        int seq = (int) x.getShape().get(0);
        int heads = config.numHeads();
        int dim = config.headDim();
        NDArray qkv = linear(x, block.qkv(), block.qkvBias()).reshape(seq, 3, heads, dim);
        NDArray q = rotate(qkv.get(":, 0"), rotary);
        NDArray k = rotate(qkv.get(":, 1"), rotary);
        NDArray v = qkv.get(":, 2");
        NDArray out = attend(q, k, v, groups);
        return linear(out, block.proj(), block.projBias());
    }

    /** Rotary embedding, rotate-half style, in float32 as transformers' apply_rotary_pos_emb_vision. */
    private NDArray rotate(NDArray x, NDArray[] rotary) {
        NDArray f = x.toType(DataType.FLOAT32, false);
        int halfDim = config.headDim() / 2;
        NDArray first = f.get(new NDIndex("..., :{}", halfDim));
        NDArray second = f.get(new NDIndex("..., {}:", halfDim));
        NDArray rotated = second.neg().concat(first, -1);
        return f.mul(rotary[0]).add(rotated.mul(rotary[1])).toType(type, false);
    }

    /**
     * Scaled dot-product attention of q, k, v [patches, heads, headDim] within each group, softmax in
     * float32. Scores are computed a chunk of groups (or, for a large group, of query rows) at a
     * time, each in a scope of its own, so at most about {@link #scoreBudget} bytes of them exist at once.
     */
    private NDArray attend(NDArray q, NDArray k, NDArray v, Groups groups) {
        int heads = config.numHeads();
        int dim = config.headDim();
        int count = groups.count();
        int length = groups.length();
        NDArray qg = grouped(q, groups).transpose(0, 2, 1, 3);
        NDArray kg = grouped(k, groups).transpose(0, 2, 3, 1);
        NDArray vg = grouped(v, groups).transpose(0, 2, 1, 3);
        long groupScores = 4L * heads * length * length;
        int groupsPerChunk = (int) Math.max(1, Math.min(count, scoreBudget / groupScores));
        int rowsPerChunk = groupsPerChunk > 1 || groupScores <= scoreBudget ? length
                : (int) Math.max(1, scoreBudget / (4L * heads * length));
        NDList pieces = new NDList();
        for (int g = 0; g < count; g += groupsPerChunk) {
            int g1 = Math.min(count, g + groupsPerChunk);
            NDIndex groupRange = new NDIndex("{}:{}", g, g1);
            NDList rows = new NDList();
            for (int r = 0; r < length; r += rowsPerChunk) {
                int r1 = Math.min(length, r + rowsPerChunk);
                NDArray qc = qg.get(new NDIndex("{}:{}, :, {}:{}", g, g1, r, r1));
                NDArray kc = kg.get(groupRange);
                NDArray vc = vg.get(groupRange);
                NDArray mask = groups.keyMask() == null ? null : groups.keyMask().get(groupRange);
                rows.add(kept(() -> scores(qc, kc, vc, mask)));
            }
            pieces.add(rows.size() == 1 ? rows.head() : NDArrays.concat(rows, 2));
        }
        NDArray out = (pieces.size() == 1 ? pieces.head() : NDArrays.concat(pieces, 0))
                .transpose(0, 2, 1, 3).reshape((long) count * length, (long) heads * dim);
        return groups.scatter() == null ? out : out.get(groups.scatter());
    }

    /** [patches, heads, dim] as [groups, length, heads, dim]. */
    private static NDArray grouped(NDArray x, Groups groups) {
        NDArray g = groups.gather() == null ? x : x.get(groups.gather());
        Shape shape = x.getShape();
        return g.reshape(groups.count(), groups.length(), shape.get(1), shape.get(2));
    }

    /** softmax(q·kᵀ·scale + mask)·v for [groups, heads, rows, dim] queries against [groups, heads, dim, length] keys. */
    private NDArray scores(NDArray q, NDArray k, NDArray v, NDArray mask) {
        NDArray scores = q.matMul(k).mul(attentionScale).toType(DataType.FLOAT32, false);
        if (mask != null) {
            scores = scores.add(mask);
        }
        return scores.softmax(-1).toType(type, false).matMul(v);
    }

    private NDArray mlp(Block block, NDArray x) {
        NDArray in = linear(x, block.in(), block.inBias());
        if (block.up() != null) {
            // Qwen2.5-VL: down(act(gate(x)) · up(x)).
            return linear(activation(in).mul(linear(x, block.up(), block.upBias())), block.out(), block.outBias());
        }
        return linear(activation(in), block.out(), block.outBias());
    }

    /**
     * The patch merger: each run of merge² patches (one 2×2 block) concatenated into one token, then
     * a GELU MLP into the decoder's width. The norm sees patches, or for DeepStack's mergers the
     * concatenated tokens.
     */
    private NDArray merge(Merger m, NDArray h) {
        long width = (long) config.hiddenSize() * config.mergeSize() * config.mergeSize();
        NDArray x;
        if (m.postShuffle()) {
            x = layerNorm(h.reshape(-1, width), m.normWeight(), m.normBias(), width);
        } else {
            x = norm(h, m.normWeight(), m.normBias()).reshape(-1, width);
        }
        // nn.GELU(): the exact, erf form.
        return linear(Activation.gelu(linear(x, m.fc1(), m.fc1Bias())), m.fc2(), m.fc2Bias());
    }

    /** The norm over the tower's width: LayerNorm, or Qwen2.5-VL's RMSNorm (no bias). */
    private NDArray norm(NDArray x, NDArray weight, NDArray bias) {
        return bias == null ? rmsNorm(x, weight) : layerNorm(x, weight, bias, config.hiddenSize());
    }

    private static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, long width) {
        return LayerNorm.layerNorm(x, new Shape(width), weight, bias, NORM_EPS).singletonOrThrow();
    }

    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray f = x.toType(DataType.FLOAT32, false);
        // x · 1/sqrt(mean(x²) + eps) in float32, as transformers' rsqrt; the weight in the compute type.
        NDArray inv = one.div(f.square().mean(new int[] {-1}, true).add(NORM_EPS).sqrt());
        return f.mul(inv).toType(type, false).mul(weight);
    }

    private NDArray activation(NDArray x) {
        return switch (config.hiddenAct()) {
            case "quick_gelu" -> x.mul(Activation.sigmoid(x.mul(quickGelu)));
            case "silu" -> x.mul(Activation.sigmoid(x));
            case "gelu" -> Activation.gelu(x);
            case "gelu_pytorch_tanh" -> {
                NDArray inner = x.add(x.mul(x).mul(x).mul(tanhCubic)).mul(tanhScale);
                yield x.mul(half).mul(inner.tanh().add(1));
            }
            default -> throw new IllegalArgumentException("vision hidden_act '" + config.hiddenAct() + "' is not supported");
        };
    }

    private static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return (bias == null ? Linear.linear(x, weight) : Linear.linear(x, weight, bias)).singletonOrThrow();
    }
}
