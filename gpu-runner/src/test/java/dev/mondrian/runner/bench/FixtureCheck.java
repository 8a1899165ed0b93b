package dev.mondrian.runner.bench;

import dev.mondrian.runner.model.Closeness;
import dev.mondrian.runner.model.QwenVlFixture;
import dev.mondrian.runner.sampling.Sampler;
import java.nio.file.Path;

/**
 * The Qwen-VL transformers fixtures (bench/reference/*) on any device, as TransformersFixtureTest checks them on
 * the CPU, but measured rather than asserted, since a GPU computes in float16: per fixture, the largest logit
 * difference at the prompt's positions and over the 16 teacher-forced steps, and how many of those steps' argmax
 * tokens are transformers' greedy ones. {@code FixtureCheck DEVICE [FIXTURES_DIR]}; prints a Markdown table.
 */
public final class FixtureCheck {
    private FixtureCheck() {}

    public static void main(String[] args) throws Exception {
        String device = args.length > 0 ? args[0] : "cpu";
        Path root = Path.of(args.length > 1 ? args[1] : "bench/reference");
        System.out.println("| fixture | device | prefill max abs diff | steps max abs diff | largest abs logit | greedy tokens equal |");
        System.out.println("|---|---|---|---|---|---|");
        for (Path dir : QwenVlFixture.list(root)) {
            QwenVlFixture fixture = QwenVlFixture.read(dir);
            QwenVlFixture.EngineLogits engine = fixture.run(dir, device, 256);
            long[] generated = fixture.generated();
            double stepDiff = 0;
            int equal = 0;
            for (int step = 0; step < generated.length; step++) {
                float[] row = engine.steps().get(step);
                stepDiff = Math.max(stepDiff, Closeness.maxDifference(row, fixture.expectedStep(step)));
                equal += Sampler.argmax(row, row.length) == generated[step] ? 1 : 0;
            }
            double largest = 0;
            for (float logit : fixture.prefillLogits()) {
                largest = Math.max(largest, Math.abs(logit));
            }
            System.out.printf("| %s | %s | %.2g | %.2g | %.2f | %d/%d |%n", dir.getFileName(), device,
                    Closeness.maxDifference(engine.prefill(), fixture.prefillLogits()), stepDiff, largest, equal,
                    generated.length);
        }
    }
}
