package dev.mondrian.runner.model;

import static dev.mondrian.runner.model.Closeness.maxDifference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.mondrian.runner.sampling.Sampler;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The Qwen-VL families against Hugging Face transformers: every {@code bench/reference/<family>/reference.json}
 * that {@code bench/qwen_vl_reference.py} wrote holds a tiny random model folder, a picture, and what transformers
 * made of them: the image processor's pixels, the logits at every prompt position and 16 greedy tokens with their
 * logits; a fixture with an {@code adapter/} folder (PEFT's save_pretrained, {@code --lora}) is computed through
 * that LoRA adapter at run time. Skipped when no fixture is there.
 */
class TransformersFixtureTest {
    /** Tests run in gpu-runner/; the fixtures live at the repository's root. */
    private static final Path FIXTURES = Path.of("..", "bench", "reference");
    private static final int CONTEXT = 256;
    /** More image tokens than any fixture's picture takes, so the processor's own max_pixels decides its size. */
    private static final int MAX_IMAGE_TOKENS = 1 << 14;

    @TestFactory
    Stream<DynamicTest> qwenVlMatchesTransformers() throws IOException {
        List<Path> fixtures = QwenVlFixture.list(FIXTURES);
        if (fixtures.isEmpty()) {
            // A skipped test of its own, so the report shows it (an aborted factory counts as nothing).
            return Stream.of(dynamicTest("no fixtures", () -> assumeTrue(false, () -> "no transformers fixtures in "
                    + FIXTURES.toAbsolutePath().normalize() + "; make them where torch and transformers are installed,"
                    + " from the repository's root, with: python3 bench/qwen_vl_reference.py")));
        }
        return fixtures.stream().flatMap(dir -> Stream.of(
                dynamicTest(dir.getFileName() + ": image processor", () -> imageProcessorMatches(dir)),
                dynamicTest(dir.getFileName() + ": prefill and greedy decoding", () -> logitsMatch(dir))));
    }

    /** The engine's preprocessing of image.png against the processor's pixel_values: same grid, pixels within a grey level or so. */
    private static void imageProcessorMatches(Path dir) throws Exception {
        QwenVlFixture fixture = QwenVlFixture.read(dir);
        BufferedImage image = ImageIO.read(dir.resolve("image.png").toFile());
        assertThat(image).as("image.png").isNotNull();
        try (Model model = Model.load(dir.resolve("model"), "cpu", CONTEXT)) {
            PreparedImage prepared = model.images().orElseThrow().prepare(image, MAX_IMAGE_TOKENS);
            assertThat(prepared.tokenGrid()).as("token grid (t, h/merge, w/merge)").containsExactly(fixture.tokenGrid());
            assertThat(prepared.pixels()).as("pixel values").hasSameSizeAs(fixture.pixels());
            assertThat(maxDifference(prepared.pixels(), fixture.pixels())).as("max |pixel difference|")
                    .isLessThanOrEqualTo(fixture.pixelTolerance());
        }
    }

    /**
     * The prompt with transformers' own pixel values: logits at every position, then 16 tokens decoded one at a
     * time through the cache, each the argmax transformers chose, each step's logits as transformers had them.
     */
    private static void logitsMatch(Path dir) throws Exception {
        QwenVlFixture fixture = QwenVlFixture.read(dir);
        QwenVlFixture.EngineLogits engine = fixture.run(dir, "cpu", CONTEXT);
        assertThat(engine.prefill()).as("prefill logits [seq, vocab]").hasSameSizeAs(fixture.prefillLogits());
        assertThat(maxDifference(engine.prefill(), fixture.prefillLogits())).as("prefill: max |logit difference|")
                .isLessThan(fixture.logitTolerance());
        long[] generated = fixture.generated();
        for (int step = 0; step < generated.length; step++) {
            float[] row = engine.steps().get(step);
            assertThat(maxDifference(row, fixture.expectedStep(step))).as("step %d: max |logit difference|", step)
                    .isLessThan(fixture.logitTolerance());
            assertThat((long) Sampler.argmax(row, row.length)).as("step %d: greedy token", step).isEqualTo(generated[step]);
        }
    }
}
