package dev.mondrian.trainer;

import dev.mondrian.progress.ProgressLine;
import dev.mondrian.runner.generation.PromptEncoder;
import dev.mondrian.runner.model.Adapter;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.llava.Llava;
import dev.mondrian.runner.persona.Advisor;
import dev.mondrian.runner.tokenizer.ModelTokenizer;
import dev.mondrian.trainer.data.CritiqueWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One advisor's LoRA adapter on a trained model folder: the model frozen, a fresh adapter on the projections
 * of its decoder that the options name taught the critiques of new training photos (indices the model itself
 * never saw), every one rewritten in that advisor's voice. Saved as PEFT saves adapters, with training.json
 * holding the command and options that made it.
 */
public final class AdvisorTraining {
    /** Where the examples start: far past the shipped model's own 25 600 ({@code TrainingRun}). */
    static final long FIRST_EXAMPLE = 1_000_000_000L;
    private static final int PROGRESS_EVERY = 25;

    /**
     * The options of one run; {@code command} is recorded beside the adapter.
     *
     * @param modules the module names the adapter targets ({@code q_proj}, …), or empty for every projection
     */
    public record Options(Path model, String advisorId, Path out, int steps, int batch, float learningRate, int rank,
                          double alpha, long seed, Set<String> modules, Map<String, Advisor> advisors,
                          String command) {}

    private AdvisorTraining() {}

    /** @return the mean loss per answer token over the last {@value #PROGRESS_EVERY} steps */
    public static double run(Options options, Consumer<String> progress) throws IOException {
        if (!options.advisors().containsKey(options.advisorId())
                || !CritiqueWriter.advisorIds().contains(options.advisorId())) {
            throw new IllegalArgumentException("no advisor '" + options.advisorId() + "' to train: the advisors file has "
                    + options.advisors().keySet() + ", the critique data " + CritiqueWriter.advisorIds());
        }
        if (Files.exists(options.out().resolve("adapter_model.safetensors"))) {
            throw new IllegalArgumentException(options.out() + " already holds an adapter; remove it or pass --out");
        }
        try (Model model = Model.load(options.model(), "cpu", 2048);
             ModelTokenizer tokenizer = ModelTokenizer.load(options.model());
             ExampleFeed feed = new ExampleFeed(FIRST_EXAMPLE, Llava.tower(model).config().imageSize(),
                     TrainingRun.FEED_THREADS, TrainingRun.FEED_WINDOW, options.advisorId());
             Adapter adapter = Adapter.fresh(model, options.advisorId(), options.rank(), options.alpha(),
                     options.seed(), options.modules())) {
            ExampleEncoder encoder = new ExampleEncoder(new PromptEncoder(model, tokenizer), tokenizer,
                    options.advisors());
            Trainer trainer = new Trainer(model, adapter, options.learningRate(), options.steps());
            progress.accept("training %s's adapter: rank %d on %d weights of %s, %d steps of %d examples".formatted(
                    options.advisorId(), options.rank(), adapter.adapted().size(), options.model(), options.steps(),
                    options.batch()));
            long start = System.nanoTime();
            double recent = 0;
            double last = Double.NaN;
            int counted = 0;
            for (int step = 0; step < options.steps(); step++) {
                double loss = trainer.step(TrainingRun.batch(feed, encoder, options.batch()));
                if (Double.isFinite(loss)) {
                    recent += loss;
                    counted++;
                }
                if ((step + 1) % PROGRESS_EVERY == 0 || step + 1 == options.steps()) {
                    double seconds = (System.nanoTime() - start) / 1e9;
                    last = recent / Math.max(1, counted);
                    progress.accept("step %d/%d  loss %.3f  %.1f examples/s  %s elapsed, %s left".formatted(step + 1,
                            options.steps(), last, (step + 1) * options.batch() / seconds, ProgressLine.clock(seconds),
                            ProgressLine.clock(ProgressLine.secondsLeft(step + 1, options.steps(), seconds))));
                    recent = 0;
                    counted = 0;
                }
            }
            adapter.save(options.out(), options.model().getFileName().toString(), Trainer::savedName);
            Files.writeString(options.out().resolve("training.json"), """
                    {"command": "%s", "advisor": "%s", "steps": %d, "batch": %d, "learning_rate": %s, "rank": %d,
                     "alpha": %s, "seed": %d, "modules": [%s], "first_example": %d, "final_loss": %.4f, "seconds": %.0f}
                    """.formatted(options.command().replace("\"", "\\\""), options.advisorId(), options.steps(),
                    options.batch(), options.learningRate(), options.rank(), options.alpha(), options.seed(),
                    String.join(", ", adapter.modules().stream().map(m -> "\"" + m + "\"").toList()),
                    FIRST_EXAMPLE, last, (System.nanoTime() - start) / 1e9));
            progress.accept("saved " + options.out());
            return last;
        }
    }
}
