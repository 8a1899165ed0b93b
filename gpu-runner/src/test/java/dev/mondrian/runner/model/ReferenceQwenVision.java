package dev.mondrian.runner.model;

import dev.mondrian.runner.model.TinyQwenVl.Generation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The vision towers of Qwen2-VL, Qwen2.5-VL and Qwen3-VL written out with plain double loops, as
 * transformers' modeling files read, for one image of pixel_values [patches, 3·2·P·P] in the image
 * processor's order (merge windows of 2×2 patches, row-major over the windows):
 * <ul>
 * <li>PatchEmbed: a Conv3d whose kernel is the whole patch, i.e. one dot product per patch and channel
 *     (Qwen3-VL adds a bias);</li>
 * <li>Qwen3-VL only: learned position embeddings on a square grid, bilinearly interpolated to the
 *     image's patch grid (fast_pos_embed_interpolate), added after the patch embedding;</li>
 * <li>2-D rotary embedding: of each head's dim/2 frequencies pairs, the first half rotates by the patch's
 *     row, the second by its column, with the rotate-half layout;</li>
 * <li>Qwen2.5-VL only: merged tokens reordered window by window (get_window_index) before the blocks,
 *     attention within windows except in fullatt_block_indexes, and the merged output put back;</li>
 * <li>blocks: x + attn(norm1(x)), then x + mlp(norm2(x)); LayerNorm (RMSNorm for Qwen2.5-VL), eps 1e-6;</li>
 * <li>the merger: norm per patch, four patches side by side, Linear, exact GELU, Linear; Qwen3-VL's
 *     DeepStack mergers take a block's output and norm after putting the four together.</li>
 * </ul>
 */
final class ReferenceQwenVision {
    /** @param embeddings [imageTokens][textHidden]; deepstack: one more per DeepStack level (Qwen3-VL), else empty */
    record Features(double[][] embeddings, List<double[][]> deepstack) {}

    private static final double EPS = 1e-6;

    private final TinyQwenVl spec;
    private final Map<String, float[]> w;

    ReferenceQwenVision(TinyQwenVl spec, Map<String, float[]> weights) {
        this.spec = spec;
        this.w = weights;
    }

    Features features(float[] pixels) {
        int e = spec.visionHidden();
        int[] grid = spec.patchGrid();
        int rows = grid[1];
        int cols = grid[2];
        int m = TinyQwenVl.MERGE;
        int n = spec.patches();
        int k = spec.patchValues();
        if (pixels.length != n * k) {
            throw new IllegalArgumentException("pixels for " + n + " patches of " + k);
        }

        // Each patch's place in the image: pixel_values lists the t frames, in each the merge windows
        // row-major, in each window its m×m patches row-major.
        int[] row = new int[n];
        int[] col = new int[n];
        int perFrame = rows * cols;
        for (int i = 0; i < n; i++) {
            int j = i % perFrame;
            int window = j / (m * m);
            int inside = j % (m * m);
            row[i] = (window / (cols / m)) * m + inside / m;
            col[i] = (window % (cols / m)) * m + inside % m;
        }

        float[] kernel = w.get("visual.patch_embed.proj.weight");
        float[] kernelBias = w.get("visual.patch_embed.proj.bias");
        double[][] h = new double[n][e];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < e; o++) {
                double sum = kernelBias == null ? 0 : kernelBias[o];
                for (int x = 0; x < k; x++) {
                    sum += (double) kernel[o * k + x] * pixels[i * k + x];
                }
                h[i][o] = sum;
            }
        }
        if (spec.generation() == Generation.QWEN3_VL) {
            addInterpolatedPositions(h, row, col, rows, cols);
        }

        // The order the blocks see the patches in: the processor's, or Qwen2.5-VL's windows.
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        List<int[]> windows = List.of(new int[] {0, n});
        int[] windowIndex = null;
        if (spec.generation() == Generation.QWEN2_5_VL) {
            List<int[]> windowSpans = new ArrayList<>();
            windowIndex = windowIndex(windowSpans);
            windows = windowSpans;
            for (int t = 0; t < windowIndex.length; t++) {
                for (int u = 0; u < m * m; u++) {
                    order[t * m * m + u] = windowIndex[t] * m * m + u;
                }
            }
            double[][] reordered = new double[n][];
            for (int i = 0; i < n; i++) {
                reordered[i] = h[order[i]];
            }
            h = reordered;
        }
        int[] rowInOrder = new int[n];
        int[] colInOrder = new int[n];
        for (int i = 0; i < n; i++) {
            rowInOrder[i] = row[order[i]];
            colInOrder[i] = col[order[i]];
        }

        List<double[][]> deepstack = new ArrayList<>();
        for (int b = 0; b < spec.depth(); b++) {
            boolean full = spec.generation() != Generation.QWEN2_5_VL || spec.fullAttention().contains(b);
            h = block(h, "visual.blocks." + b + ".", rowInOrder, colInOrder, full ? List.of(new int[] {0, n}) : windows);
            int level = spec.deepstack().indexOf(b);
            if (level >= 0) {
                deepstack.add(merge(h, "visual.deepstack_merger_list." + level + ".", true));
            }
        }
        double[][] out = merge(h, "visual.merger.", false);
        if (windowIndex != null) {
            // hidden_states[argsort(window_index)]: merged token windowIndex[t] came out at place t.
            double[][] back = new double[out.length][];
            for (int t = 0; t < windowIndex.length; t++) {
                back[windowIndex[t]] = out[t];
            }
            out = back;
        }
        return new Features(out, deepstack);
    }

    /**
     * Qwen2.5-VL's get_window_index for one image: the merged-token grid padded at the bottom and right
     * to whole windows of window_size / merge / patch tokens a side, windows row-major, tokens row-major
     * inside each, padding dropped. Adds the [start, end) patch spans of the non-empty windows to
     * {@code spans} (cu_window_seqlens after unique_consecutive).
     */
    private int[] windowIndex(List<int[]> spans) {
        int[] grid = spec.imageGrid();
        int side = spec.windowSize() / TinyQwenVl.MERGE / spec.patchSize();
        int unit = TinyQwenVl.MERGE * TinyQwenVl.MERGE;
        int gh = grid[1];
        int gw = grid[2];
        int windowsH = (gh + side - gh % side) / side;
        int windowsW = (gw + side - gw % side) / side;
        List<Integer> index = new ArrayList<>();
        int patchStart = 0;
        for (int t = 0; t < grid[0]; t++) {
            for (int wh = 0; wh < windowsH; wh++) {
                for (int ww = 0; ww < windowsW; ww++) {
                    int count = 0;
                    for (int y = wh * side; y < (wh + 1) * side; y++) {
                        for (int x = ww * side; x < (ww + 1) * side; x++) {
                            if (y < gh && x < gw) {
                                index.add((t * gh + y) * gw + x);
                                count++;
                            }
                        }
                    }
                    if (count > 0) {
                        spans.add(new int[] {patchStart, patchStart + count * unit});
                        patchStart += count * unit;
                    }
                }
            }
        }
        return index.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * fast_pos_embed_interpolate: grid index linspace(0, side-1, h) down and linspace(0, side-1, w)
     * across; the four neighbours (floor, floor+1 clipped) weighted bilinearly.
     */
    private void addInterpolatedPositions(double[][] h, int[] row, int[] col, int rows, int cols) {
        int e = spec.visionHidden();
        int side = (int) Math.round(Math.sqrt(spec.positionEmbeddings()));
        float[] table = w.get("visual.pos_embed.weight");
        for (int i = 0; i < h.length; i++) {
            double y = linspace(side - 1, rows, row[i]);
            double x = linspace(side - 1, cols, col[i]);
            int y0 = (int) y;
            int x0 = (int) x;
            int y1 = Math.min(y0 + 1, side - 1);
            int x1 = Math.min(x0 + 1, side - 1);
            double dy = y - y0;
            double dx = x - x0;
            for (int o = 0; o < e; o++) {
                h[i][o] += (1 - dy) * (1 - dx) * table[(y0 * side + x0) * e + o]
                        + (1 - dy) * dx * table[(y0 * side + x1) * e + o]
                        + dy * (1 - dx) * table[(y1 * side + x0) * e + o]
                        + dy * dx * table[(y1 * side + x1) * e + o];
            }
        }
    }

    /** torch.linspace(0, end, steps)[i]. */
    private static double linspace(double end, int steps, int i) {
        return steps == 1 ? 0 : end * i / (steps - 1);
    }

    private double[][] block(double[][] h, String p, int[] row, int[] col, List<int[]> groups) {
        int e = spec.visionHidden();
        int heads = spec.visionHeads();
        int d = e / heads;
        int n = h.length;
        double[][] x = norm(h, p + "norm1.");
        double[][] qkv = linear(x, p + "attn.qkv.", 3 * e);
        double[][] q = new double[n][e];
        double[][] k = new double[n][e];
        double[][] v = new double[n][e];
        for (int i = 0; i < n; i++) {
            System.arraycopy(qkv[i], 0, q[i], 0, e);
            System.arraycopy(qkv[i], e, k[i], 0, e);
            System.arraycopy(qkv[i], 2 * e, v[i], 0, e);
            rotate(q[i], heads, d, row[i], col[i]);
            rotate(k[i], heads, d, row[i], col[i]);
        }
        double[][] attended = new double[n][e];
        for (int[] group : groups) {
            int start = group[0];
            int length = group[1] - group[0];
            double[][] gk = Arrays.copyOfRange(k, start, start + length);
            double[][] gv = Arrays.copyOfRange(v, start, start + length);
            for (int head = 0; head < heads; head++) {
                for (int i = start; i < start + length; i++) {
                    // No mask inside a group: every patch sees every patch of its image (or window).
                    ReferenceDecoder.attendRow(q[i], head * d, gk, gv, head * d, d, length, attended[i]);
                }
            }
        }
        ReferenceDecoder.add(h, linear(attended, p + "attn.proj.", e));
        double[][] y = norm(h, p + "norm2.");
        double[][] mlp = switch (spec.generation()) {
            case QWEN2_VL -> {
                double[][] up = linear(y, p + "mlp.fc1.", spec.visionIntermediate());
                apply(up, ReferenceQwenVision::quickGelu);
                yield linear(up, p + "mlp.fc2.", e);
            }
            case QWEN2_5_VL -> {
                double[][] gate = linear(y, p + "mlp.gate_proj.", spec.visionIntermediate());
                double[][] up = linear(y, p + "mlp.up_proj.", spec.visionIntermediate());
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < gate[i].length; j++) {
                        gate[i][j] = gate[i][j] / (1 + Math.exp(-gate[i][j])) * up[i][j];
                    }
                }
                yield linear(gate, p + "mlp.down_proj.", e);
            }
            case QWEN3_VL -> {
                double[][] up = linear(y, p + "mlp.linear_fc1.", spec.visionIntermediate());
                apply(up, ReferenceQwenVision::tanhGelu);
                yield linear(up, p + "mlp.linear_fc2.", e);
            }
        };
        ReferenceDecoder.add(h, mlp);
        return h;
    }

    /**
     * VisionRotaryEmbedding(head_dim / 2): inverse frequencies 1/10000^(2j / (head_dim/2)) for
     * j < head_dim/4; the patch's row times them, then its column times them, make head_dim/2 angles,
     * repeated for the second half; q·cos + rotate_half(q)·sin.
     */
    private static void rotate(double[] vector, int heads, int d, int row, int col) {
        int half = d / 2;
        int quarter = d / 4;
        for (int head = 0; head < heads; head++) {
            int base = head * d;
            for (int i = 0; i < half; i++) {
                int j = i < quarter ? i : i - quarter;
                double invFreq = 1.0 / Math.pow(10000, 2.0 * j / half);
                double angle = (i < quarter ? row : col) * invFreq;
                double a = vector[base + i];
                double b = vector[base + i + half];
                vector[base + i] = a * Math.cos(angle) - b * Math.sin(angle);
                vector[base + i + half] = b * Math.cos(angle) + a * Math.sin(angle);
            }
        }
    }

    /**
     * PatchMerger (Qwen2-VL, Qwen2.5-VL) or Qwen3VLVisionPatchMerger: each patch normed over the tower's
     * width, or ({@code postShuffle}, DeepStack's) the four patches of a merged token normed together;
     * then Linear(4e, 4e), GELU, Linear(4e, textHidden).
     */
    private double[][] merge(double[][] h, String p, boolean postShuffle) {
        int e = spec.visionHidden();
        int unit = TinyQwenVl.MERGE * TinyQwenVl.MERGE;
        int tokens = h.length / unit;
        double[][] joined = new double[tokens][e * unit];
        boolean qwen3 = spec.generation() == Generation.QWEN3_VL;
        String normPrefix = qwen3 ? p + "norm." : p + "ln_q.";
        double[][] normed = postShuffle ? h : norm(h, normPrefix);
        for (int t = 0; t < tokens; t++) {
            for (int u = 0; u < unit; u++) {
                System.arraycopy(normed[t * unit + u], 0, joined[t], u * e, e);
            }
        }
        if (postShuffle) {
            joined = norm(joined, normPrefix);
        }
        double[][] x = linear(joined, qwen3 ? p + "linear_fc1." : p + "mlp.0.", e * unit);
        apply(x, value -> 0.5 * value * (1 + ReferenceVisionTower.erf(value / Math.sqrt(2))));
        return linear(x, qwen3 ? p + "linear_fc2." : p + "mlp.2.", spec.outHidden());
    }

    /** LayerNorm (weight, bias) or, when the prefix has no bias (Qwen2.5-VL), RMSNorm; eps 1e-6 either way. */
    private double[][] norm(double[][] x, String p) {
        float[] weight = w.get(p + "weight");
        float[] bias = w.get(p + "bias");
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            int width = x[t].length;
            double mean = 0;
            if (bias != null) {
                for (double value : x[t]) {
                    mean += value / width;
                }
            }
            double square = 0;
            for (double value : x[t]) {
                square += (value - mean) * (value - mean) / width;
            }
            double inv = 1 / Math.sqrt(square + EPS);
            out[t] = new double[width];
            for (int j = 0; j < width; j++) {
                out[t][j] = (x[t][j] - mean) * inv * weight[j] + (bias == null ? 0 : bias[j]);
            }
        }
        return out;
    }

    private double[][] linear(double[][] x, String p, int outDim) {
        float[] weight = w.get(p + "weight");
        if (weight == null) {
            throw new IllegalArgumentException("no tensor " + p + "weight");
        }
        return ReferenceDecoder.linear(x, weight, w.get(p + "bias"), outDim);
    }

    private static void apply(double[][] x, java.util.function.DoubleUnaryOperator f) {
        for (double[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] = f.applyAsDouble(row[j]);
            }
        }
    }

    private static double quickGelu(double x) {
        return x / (1 + Math.exp(-1.702 * x));
    }

    private static double tanhGelu(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }
}
