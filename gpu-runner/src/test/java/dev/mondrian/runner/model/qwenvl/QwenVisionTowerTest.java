package dev.mondrian.runner.model.qwenvl;

import static dev.mondrian.runner.model.Closeness.maxDifference;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.mondrian.runner.model.ImageFeatures;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.PreparedImage;
import dev.mondrian.runner.model.TinyQwenVl;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the Qwen-VL vision tower must do whatever the reference says: shapes per generation, one
 * DeepStack level per listed layer, and Qwen2.5-VL's windows (a window over the whole image is full
 * attention; windows keep their patches to themselves). The towers are TinyQwenVl's folders, loaded as
 * the engine loads any; the numbers against transformers are checked by the plain-Java reference's tests.
 */
class QwenVisionTowerTest {
    /** Qwen2.5-VL's 14 px patches: windows of 56 px / merge 2 / patch 14 = 2 × 2 merged tokens. */
    private static final int SMALL_WINDOW = 56;

    @TempDir
    Path dir;

    @Test
    void eachGenerationGivesOneDecoderWidthRowPerMergedToken() throws IOException {
        for (TinyQwenVl spec : generations()) {
            try (Model model = load(spec, spec.generation().name())) {
                ImageFeatures features = encode(model, spec, spec.pixels(3));
                assertThat(features.embeddings().getShape().getShape()).as(spec.toString())
                        .containsExactly(spec.imageTokens(), spec.outHidden());
                assertThat(features.embeddings().getDataType()).isEqualTo(DataType.FLOAT32);
                assertThat(finite(features.embeddings())).as(spec.toString()).isTrue();
                assertThat(features.deepstack()).hasSize(spec.deepstack().size());
            }
        }
    }

    @Test
    void deepstackGivesOneLevelPerListedLayerInOrder() throws IOException {
        TinyQwenVl both = TinyQwenVl.qwen3Vl(false).withDeepstack(List.of(0, 2));
        // The same blocks and merger (the same seed) with only layer 2 listed: DeepStack only reads the
        // blocks' outputs, so the main features are the same.
        TinyQwenVl last = both.withDeepstack(List.of(2));
        float[] pixels = both.pixels(4);
        try (Model bothModel = load(both, "both"); Model lastModel = load(last, "last")) {
            ImageFeatures features = encode(bothModel, both, pixels);
            assertThat(features.deepstack()).hasSize(2);
            for (NDArray level : features.deepstack()) {
                assertThat(level.getShape().getShape()).containsExactly(both.imageTokens(), both.outHidden());
                assertThat(finite(level)).isTrue();
            }
            assertThat(maxDifference(features.deepstack().get(0), features.deepstack().get(1))).isGreaterThan(1e-3);
            ImageFeatures lastOnly = encode(lastModel, last, pixels);
            assertThat(lastOnly.deepstack()).hasSize(1);
            assertThat(maxDifference(lastOnly.embeddings(), features.embeddings())).isLessThan(1e-5);
        }
    }

    @Test
    void aWindowOverTheWholeImageIsFullAttention() throws IOException {
        TinyQwenVl windowed = TinyQwenVl.qwen25Vl(false).withWindows(SMALL_WINDOW, List.of(1));
        // 1000 px / merge 2 / patch 14 = 35 merged tokens a side: one window holds the 3 × 5 image.
        TinyQwenVl wide = windowed.withWindows(1000, List.of());
        TinyQwenVl full = windowed.withWindows(SMALL_WINDOW, IntStream.range(0, windowed.depth()).boxed().toList());
        float[] pixels = wide.pixels(5);
        try (Model a = load(wide, "wide"); Model b = load(full, "full"); Model c = load(windowed, "windowed")) {
            NDArray wideFeatures = encode(a, wide, pixels).embeddings();
            assertThat(maxDifference(wideFeatures, encode(b, full, pixels).embeddings())).isLessThan(1e-5);
            assertThat(maxDifference(wideFeatures, encode(c, windowed, pixels).embeddings()))
                    .as("small windows change the features").isGreaterThan(1e-3);
        }
    }

    @Test
    void windowedLayersKeepEachWindowToItself() throws IOException {
        // Windows of 2 × 2 merged tokens over the 3 × 5 token grid: rows {0,1} {2} by columns
        // {0,1} {2,3} {4}, six windows of 4, 4, 2, 2, 2 and 1 tokens; no block attends beyond them.
        TinyQwenVl spec = TinyQwenVl.qwen25Vl(false).withWindows(SMALL_WINDOW, List.of());
        assertThat(spec.imageGrid()).containsExactly(1, 3, 5);
        int rows = spec.imageGrid()[1];
        int cols = spec.imageGrid()[2];
        try (Model model = load(spec, "windows")) {
            float[] pixels = spec.pixels(6);
            float[] before = encode(model, spec, pixels).embeddings().toFloatArray();
            int[][] cases = {{2, 4}, {0, 0}, {1, 3}, {2, 1}};
            for (int[] token : cases) {
                float[] after = encode(model, spec, nudged(spec, pixels, token[0] * cols + token[1]))
                        .embeddings().toFloatArray();
                for (int row = 0; row < rows; row++) {
                    for (int col = 0; col < cols; col++) {
                        boolean sameWindow = row / 2 == token[0] / 2 && col / 2 == token[1] / 2;
                        double difference = tokenDifference(spec, before, after, row * cols + col);
                        if (sameWindow) {
                            assertThat(difference).as("token (%d, %d) shares a window with (%d, %d)", row, col,
                                    token[0], token[1]).isGreaterThan(1e-4);
                        } else {
                            assertThat(difference).as("token (%d, %d) is outside the window of (%d, %d)", row, col,
                                    token[0], token[1]).isLessThan(1e-6);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aFullAttentionLayerLetsEveryWindowSeeTheWholeImage() throws IOException {
        TinyQwenVl spec = TinyQwenVl.qwen25Vl(false).withWindows(SMALL_WINDOW, List.of(1));
        try (Model model = load(spec, "mixed")) {
            float[] pixels = spec.pixels(7);
            float[] before = encode(model, spec, pixels).embeddings().toFloatArray();
            float[] changed = pixels.clone();
            changed[0] += 0.5f;
            float[] after = encode(model, spec, changed).embeddings().toFloatArray();
            for (int token = 0; token < spec.imageTokens(); token++) {
                assertThat(tokenDifference(spec, before, after, token)).isGreaterThan(1e-6);
            }
        }
    }

    @Test
    void attentionInChunksGivesTheSameFeatures() throws IOException {
        for (TinyQwenVl spec : generations()) {
            try (Model model = load(spec, "chunks-" + spec.generation())) {
                QwenVisionTower tower = tower(model);
                float[] pixels = spec.pixels(8);
                ImageFeatures whole = encode(model, spec, pixels);
                // Query rows 7 at a time over the whole image (an uneven last chunk); for Qwen2.5-VL's
                // windows (2 × 2 merged tokens, 16 patches), two windows a chunk.
                tower.scoreBudget = 4L * spec.visionHeads() * spec.patches() * 7;
                ImageFeatures rows = encode(model, spec, pixels);
                tower.scoreBudget = 4L * spec.visionHeads() * 16 * 16 * 2;
                ImageFeatures windows = encode(model, spec, pixels);
                assertThat(maxDifference(whole.embeddings(), rows.embeddings())).as(spec.toString()).isLessThan(1e-5);
                assertThat(maxDifference(whole.embeddings(), windows.embeddings())).as(spec.toString())
                        .isLessThan(1e-5);
                for (int j = 0; j < whole.deepstack().size(); j++) {
                    assertThat(maxDifference(whole.deepstack().get(j), rows.deepstack().get(j))).isLessThan(1e-5);
                }
            }
        }
    }

    /** One of each generation, in transformers 4.x's layout (the tower reads both the same). */
    private static List<TinyQwenVl> generations() {
        return List.of(TinyQwenVl.qwen2Vl(false), TinyQwenVl.qwen25Vl(false), TinyQwenVl.qwen3Vl(false));
    }

    private Model load(TinyQwenVl spec, String name) throws IOException {
        Path folder = dir.resolve(name);
        spec.write(folder);
        return Model.load(folder, "cpu", 64);
    }

    private static QwenVisionTower tower(Model model) {
        return (QwenVisionTower) model.images().orElseThrow();
    }

    /** The model's tower on the spec's image grid; what it makes lives until the model closes. */
    private static ImageFeatures encode(Model model, TinyQwenVl spec, float[] pixels) {
        return tower(model).encode(model.manager(), new PreparedImage(pixels, spec.imageGrid().clone()));
    }

    /** The pixels with every value of one merged token's patches raised by 0.5. */
    private static float[] nudged(TinyQwenVl spec, float[] pixels, int token) {
        float[] changed = pixels.clone();
        int values = pixels.length / spec.imageTokens();
        for (int i = token * values; i < (token + 1) * values; i++) {
            changed[i] += 0.5f;
        }
        return changed;
    }

    private static boolean finite(NDArray array) {
        for (float v : array.toFloatArray()) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** The largest difference in one merged token's features. */
    private static double tokenDifference(TinyQwenVl spec, float[] a, float[] b, int token) {
        int width = spec.outHidden();
        return maxDifference(Arrays.copyOfRange(a, token * width, (token + 1) * width),
                Arrays.copyOfRange(b, token * width, (token + 1) * width));
    }
}
