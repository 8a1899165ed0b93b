package dev.mondrian.runner.model.qwenvl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.mondrian.runner.model.ImageFeatures;
import dev.mondrian.runner.model.PreparedImage;
import dev.mondrian.runner.model.SafeTensorsWriter;
import dev.mondrian.runner.model.Weights;
import dev.mondrian.runner.model.qwenvl.QwenVisionConfig.Generation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the Qwen-VL vision tower must do whatever the reference says: shapes per generation, one
 * DeepStack level per listed layer, and Qwen2.5-VL's windows (a window over the whole image is full
 * attention; windows keep their patches to themselves). The numbers against transformers are checked
 * by the plain-Java reference's tests.
 */
class QwenVisionTowerTest {
    private static final int HIDDEN = 32;
    private static final int HEADS = 2;
    private static final int OUT = 24;
    private static final int PATCH = 2;
    private static final int MERGE = 2;
    /** Merged tokens: one frame of 3 rows by 5 columns, so 6 × 10 patches. */
    private static final int[] TOKENS = {1, 3, 5};

    @TempDir
    Path dir;
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void eachGenerationGivesOneDecoderWidthRowPerMergedToken() throws IOException {
        for (Generation generation : Generation.values()) {
            QwenVisionConfig config = config(generation, 2, 112, List.of(1), List.of(1));
            ImageFeatures features = encode(tower(config, generation.name()), pixels(config, 3));
            assertThat(features.embeddings().getShape().getShape()).as(generation.name()).containsExactly(15, OUT);
            assertThat(features.embeddings().getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(finite(features.embeddings())).as(generation.name()).isTrue();
            assertThat(features.deepstack()).hasSize(generation == Generation.QWEN3_VL ? 1 : 0);
        }
    }

    @Test
    void deepstackGivesOneLevelPerListedLayerInOrder() throws IOException {
        QwenVisionConfig config = config(Generation.QWEN3_VL, 3, 0, List.of(), List.of(0, 2));
        QwenVisionConfig last = config(Generation.QWEN3_VL, 3, 0, List.of(), List.of(2));
        QwenVisionTower tower = tower(config, "both");
        float[] pixels = pixels(config, 4);
        ImageFeatures features = encode(tower, pixels);
        assertThat(features.deepstack()).hasSize(2);
        for (NDArray level : features.deepstack()) {
            assertThat(level.getShape().getShape()).containsExactly(15, OUT);
            assertThat(finite(level)).isTrue();
        }
        assertThat(maxDifference(features.deepstack().get(0), features.deepstack().get(1))).isGreaterThan(1e-3);
        // The same blocks and merger (the same seed) with only layer 2 listed: DeepStack only reads the
        // blocks' outputs, so the main features are the same.
        ImageFeatures lastOnly = encode(tower(last, "last"), pixels);
        assertThat(lastOnly.deepstack()).hasSize(1);
        assertThat(maxDifference(lastOnly.embeddings(), features.embeddings())).isLessThan(1e-5);
    }

    @Test
    void aWindowOverTheWholeImageIsFullAttention() throws IOException {
        int depth = 3;
        // 1000 px / merge 2 / patch 2 = 250 merged tokens a side: one window holds the 3 × 5 image.
        QwenVisionConfig wide = config(Generation.QWEN2_5_VL, depth, 1000, List.of(), List.of());
        QwenVisionConfig full = config(Generation.QWEN2_5_VL, depth, 8, List.of(0, 1, 2), List.of());
        QwenVisionConfig windowed = config(Generation.QWEN2_5_VL, depth, 8, List.of(1), List.of());
        float[] pixels = pixels(wide, 5);
        NDArray a = encode(tower(wide, "wide"), pixels).embeddings();
        NDArray b = encode(tower(full, "full"), pixels).embeddings();
        NDArray c = encode(tower(windowed, "windowed"), pixels).embeddings();
        assertThat(maxDifference(a, b)).isLessThan(1e-5);
        assertThat(maxDifference(a, c)).as("small windows change the features").isGreaterThan(1e-3);
    }

    @Test
    void windowedLayersKeepEachWindowToItself() throws IOException {
        // Windows of 2 × 2 merged tokens (8 px / merge 2 / patch 2) over the 3 × 5 token grid:
        // rows {0,1} {2} by columns {0,1} {2,3} {4}, six windows of 4, 4, 2, 2, 2 and 1 tokens.
        QwenVisionConfig config = config(Generation.QWEN2_5_VL, 3, 8, List.of(), List.of());
        QwenVisionTower tower = tower(config, "windows");
        float[] pixels = pixels(config, 6);
        float[] before = encode(tower, pixels).embeddings().toFloatArray();
        int[][] cases = {{2, 4}, {0, 0}, {1, 3}, {2, 1}};
        for (int[] token : cases) {
            float[] changed = pixels.clone();
            int merged = token[0] * TOKENS[2] + token[1];
            int values = MERGE * MERGE * config.patchValues();
            for (int i = merged * values; i < (merged + 1) * values; i++) {
                changed[i] += 0.5f;
            }
            float[] after = encode(tower, changed).embeddings().toFloatArray();
            for (int row = 0; row < TOKENS[1]; row++) {
                for (int col = 0; col < TOKENS[2]; col++) {
                    boolean sameWindow = row / 2 == token[0] / 2 && col / 2 == token[1] / 2;
                    double difference = rowDifference(before, after, row * TOKENS[2] + col);
                    if (sameWindow) {
                        assertThat(difference).as("token (%d, %d) shares a window with (%d, %d)", row, col, token[0],
                                token[1]).isGreaterThan(1e-4);
                    } else {
                        assertThat(difference).as("token (%d, %d) is outside the window of (%d, %d)", row, col,
                                token[0], token[1]).isLessThan(1e-6);
                    }
                }
            }
        }
    }

    @Test
    void aFullAttentionLayerLetsEveryWindowSeeTheWholeImage() throws IOException {
        QwenVisionConfig config = config(Generation.QWEN2_5_VL, 3, 8, List.of(1), List.of());
        QwenVisionTower tower = tower(config, "mixed");
        float[] pixels = pixels(config, 7);
        float[] before = encode(tower, pixels).embeddings().toFloatArray();
        float[] changed = pixels.clone();
        changed[0] += 0.5f;
        float[] after = encode(tower, changed).embeddings().toFloatArray();
        for (int token = 0; token < TOKENS[1] * TOKENS[2]; token++) {
            assertThat(rowDifference(before, after, token)).isGreaterThan(1e-6);
        }
    }

    @Test
    void attentionInChunksGivesTheSameFeatures() throws IOException {
        for (Generation generation : Generation.values()) {
            QwenVisionConfig config = config(generation, 2, 8, List.of(1), List.of(0));
            QwenVisionTower tower = tower(config, "chunks-" + generation);
            float[] pixels = pixels(config, 8);
            ImageFeatures whole = encode(tower, pixels);
            // 60 patches: query rows 7 at a time over the whole image (uneven last chunk); for
            // Qwen2.5-VL's windows (at most 16 patches), two windows a chunk.
            tower.scoreBudget = 4L * HEADS * 60 * 7;
            ImageFeatures rows = encode(tower, pixels);
            tower.scoreBudget = 4L * HEADS * 16 * 16 * 2;
            ImageFeatures windows = encode(tower, pixels);
            assertThat(maxDifference(whole.embeddings(), rows.embeddings())).as(generation.name()).isLessThan(1e-5);
            assertThat(maxDifference(whole.embeddings(), windows.embeddings())).as(generation.name()).isLessThan(1e-5);
            for (int j = 0; j < whole.deepstack().size(); j++) {
                assertThat(maxDifference(whole.deepstack().get(j), rows.deepstack().get(j))).isLessThan(1e-5);
            }
        }
    }

    private ImageFeatures encode(QwenVisionTower tower, float[] pixels) {
        return tower.encode(manager, new PreparedImage(pixels, TOKENS.clone()));
    }

    private static QwenVisionConfig config(Generation generation, int depth, int windowSize, List<Integer> fullAttention,
                                           List<Integer> deepstack) {
        String act = switch (generation) {
            case QWEN2_VL -> "quick_gelu";
            case QWEN2_5_VL -> "silu";
            case QWEN3_VL -> "gelu_pytorch_tanh";
        };
        boolean qwen25 = generation == Generation.QWEN2_5_VL;
        boolean qwen3 = generation == Generation.QWEN3_VL;
        return new QwenVisionConfig(generation, depth, HIDDEN, qwen25 ? 40 : 4 * HIDDEN, HEADS, OUT, PATCH, 2, MERGE, 3,
                act, qwen25 ? windowSize : 0, qwen25 ? fullAttention : List.of(), qwen3 ? 16 : 0,
                qwen3 ? deepstack : List.of());
    }

    /** Random weights for the config under the canonical names, loaded as the engine loads them. */
    private QwenVisionTower tower(QwenVisionConfig config, String name) throws IOException {
        Path folder = dir.resolve(name);
        Files.createDirectories(folder);
        SplittableRandom random = new SplittableRandom(17);
        SafeTensorsWriter out = new SafeTensorsWriter();
        Generation generation = config.generation();
        int h = config.hiddenSize();
        int merged = h * MERGE * MERGE;
        out.add("visual.patch_embed.proj.weight", new int[] {h, 3, 2, PATCH, PATCH},
                normal(random, h * config.patchValues(), 0.3));
        if (generation == Generation.QWEN3_VL) {
            out.add("visual.patch_embed.proj.bias", new int[] {h}, normal(random, h, 0.1));
            out.add("visual.pos_embed.weight", new int[] {config.positionEmbeddings(), h},
                    normal(random, config.positionEmbeddings() * h, 0.3));
        }
        boolean rms = generation == Generation.QWEN2_5_VL;
        for (int i = 0; i < config.depth(); i++) {
            String p = "visual.blocks." + i + ".";
            norm(out, random, p + "norm1.", h, rms);
            norm(out, random, p + "norm2.", h, rms);
            linear(out, random, p + "attn.qkv.", 3 * h, h);
            linear(out, random, p + "attn.proj.", h, h);
            int inter = config.intermediateSize();
            switch (generation) {
                case QWEN2_VL -> {
                    linear(out, random, p + "mlp.fc1.", inter, h);
                    linear(out, random, p + "mlp.fc2.", h, inter);
                }
                case QWEN2_5_VL -> {
                    linear(out, random, p + "mlp.gate_proj.", inter, h);
                    linear(out, random, p + "mlp.up_proj.", inter, h);
                    linear(out, random, p + "mlp.down_proj.", h, inter);
                }
                case QWEN3_VL -> {
                    linear(out, random, p + "mlp.linear_fc1.", inter, h);
                    linear(out, random, p + "mlp.linear_fc2.", h, inter);
                }
            }
        }
        if (generation == Generation.QWEN3_VL) {
            norm(out, random, "visual.merger.norm.", h, false);
            linear(out, random, "visual.merger.linear_fc1.", merged, merged);
            linear(out, random, "visual.merger.linear_fc2.", OUT, merged);
            for (int j = 0; j < config.deepstackLayers().size(); j++) {
                String p = "visual.deepstack_merger_list." + j + ".";
                norm(out, random, p + "norm.", merged, false);
                linear(out, random, p + "linear_fc1.", merged, merged);
                linear(out, random, p + "linear_fc2.", OUT, merged);
            }
        } else {
            norm(out, random, "visual.merger.ln_q.", h, rms);
            linear(out, random, "visual.merger.mlp.0.", merged, merged);
            linear(out, random, "visual.merger.mlp.2.", OUT, merged);
        }
        out.write(folder.resolve("model.safetensors"), SafeTensorsWriter.DType.F32);
        Weights weights = Weights.load(folder, manager, DataType.FLOAT32, Map.of());
        return new QwenVisionTower(config, weights, DataType.FLOAT32, null);
    }

    private static void norm(SafeTensorsWriter out, SplittableRandom random, String prefix, int width, boolean rms) {
        float[] weight = normal(random, width, 0.1);
        for (int i = 0; i < width; i++) {
            weight[i] += 1;
        }
        out.add(prefix + "weight", new int[] {width}, weight);
        if (!rms) {
            out.add(prefix + "bias", new int[] {width}, normal(random, width, 0.1));
        }
    }

    private static void linear(SafeTensorsWriter out, SplittableRandom random, String prefix, int outDim, int inDim) {
        out.add(prefix + "weight", new int[] {outDim, inDim}, normal(random, outDim * inDim, 1 / Math.sqrt(inDim)));
        out.add(prefix + "bias", new int[] {outDim}, normal(random, outDim, 0.1));
    }

    private static float[] normal(SplittableRandom random, int n, double std) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            // Box-Muller from two uniforms.
            double u = 1 - random.nextDouble();
            double v = random.nextDouble();
            values[i] = (float) (std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
        }
        return values;
    }

    private static float[] pixels(QwenVisionConfig config, long seed) {
        int patches = TOKENS[0] * TOKENS[1] * MERGE * TOKENS[2] * MERGE;
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[patches * config.patchValues()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextDouble() * 4 - 2);
        }
        return values;
    }

    private static boolean finite(NDArray array) {
        for (float v : array.toFloatArray()) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static double maxDifference(NDArray a, NDArray b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        assertThat(x).hasSameSizeAs(y);
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs(x[i] - y[i]));
        }
        return max;
    }

    private static double rowDifference(float[] a, float[] b, int row) {
        double max = 0;
        for (int i = row * OUT; i < (row + 1) * OUT; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
