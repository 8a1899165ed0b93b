package dev.mondrian.runner.model;

import static dev.mondrian.runner.model.Closeness.maxDifference;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.mondrian.runner.model.llava.Llava;
import dev.mondrian.runner.model.llava.VisionTower;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The LLaVA path (vision tower, projector, image features spliced into the prompt) against plain loops. */
class LlavaTest {
    @TempDir
    Path dir;

    static Stream<Arguments> models() {
        return Stream.of(Arguments.of(TinyLlava.clip()), Arguments.of(TinyLlava.siglip()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void imageFeaturesAndLogitsMatchThePlainReference(TinyLlava spec) throws Exception {
        var weights = spec.write(dir.resolve("model"));
        float[] pixels = pixels(spec.imageSize(), 5);
        long[] prompt = prompt(spec);
        ReferenceVisionTower referenceTower = new ReferenceVisionTower(spec, weights);
        double[][] expectedFeatures = referenceTower.features(pixels);
        float[][] expectedLogits = new ReferenceDecoder(spec.text(), weights).logits(spliced(spec, weights, prompt, expectedFeatures));

        try (Model model = Model.load(dir.resolve("model"), "cpu", 64);
             NDManager scratch = model.manager().newSubManager();
             KvCache cache = model.decoder().newCache();
             NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            VisionTower tower = Llava.tower(model);
            assertThat(tower.imageTokens()).isEqualTo(spec.imageTokens());
            float[] features = tower.features(scratch, pixels).toFloatArray();
            assertThat(maxDifference(features, expectedFeatures)).isLessThan(1e-4);

            NDArray logits = model.forward(scratch, prompt, new PreparedImage(pixels, new int[] {1, 1, spec.imageTokens()}), cache, true);
            assertThat(maxDifference(logits.toFloatArray(), expectedLogits)).isLessThan(1e-4);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void aBatchOfImagesGivesEachImageItsOwnFeatures(TinyLlava spec) throws Exception {
        var weights = spec.write(dir.resolve("model"));
        int size = spec.imageSize();
        float[] first = pixels(size, 5);
        float[] second = pixels(size, 6);
        float[] both = new float[first.length * 2];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        ReferenceVisionTower reference = new ReferenceVisionTower(spec, weights);

        try (Model model = Model.load(dir.resolve("model"), "cpu", 64);
             NDManager scratch = model.manager().newSubManager();
             NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray features = Llava.tower(model).features(scratch.create(both, new Shape(2, 3, size, size)));
            assertThat(features.getShape().get(0)).isEqualTo(2);
            assertThat(features.getShape().get(1)).isEqualTo(spec.imageTokens());
            assertThat(maxDifference(features.get(0).toFloatArray(), reference.features(first))).isLessThan(1e-4);
            assertThat(maxDifference(features.get(1).toFloatArray(), reference.features(second))).isLessThan(1e-4);
        }
    }

    /** Text, the image's tokens, more text: the image sits mid-prompt as chat templates put it. */
    private static long[] prompt(TinyLlava spec) {
        int text = 3;
        long[] ids = new long[text + spec.imageTokens() + 2];
        for (int i = 0; i < ids.length; i++) {
            boolean image = i >= text && i < text + spec.imageTokens();
            ids[i] = image ? spec.imageToken() : 1 + (i * 7) % 50;
        }
        return ids;
    }

    private static double[][] spliced(TinyLlava spec, java.util.Map<String, float[]> weights, long[] prompt,
                                      double[][] features) {
        ReferenceDecoder text = new ReferenceDecoder(spec.text(), weights);
        double[][] h = new double[prompt.length][];
        int used = 0;
        for (int t = 0; t < prompt.length; t++) {
            h[t] = prompt[t] == spec.imageToken() ? features[used++].clone() : text.embedding((int) prompt[t]);
        }
        return h;
    }

    /** A normalized image as the preprocessor would hand it over: values around [-2, 2]. */
    private static float[] pixels(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] pixels = new float[3 * size * size];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) (random.nextDouble() * 4 - 2);
        }
        return pixels;
    }
}
