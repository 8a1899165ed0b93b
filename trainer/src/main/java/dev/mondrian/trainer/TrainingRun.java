package dev.mondrian.trainer;

import dev.mondrian.progress.ProgressLine;
import dev.mondrian.runner.generation.ProcessMemory;
import dev.mondrian.runner.generation.PromptEncoder;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.persona.Advisor;
import dev.mondrian.runner.persona.AdvisorPrompt;
import dev.mondrian.runner.persona.Attachment;
import dev.mondrian.runner.tokenizer.BpeTrainer;
import dev.mondrian.runner.tokenizer.ByteLevelBpe;
import dev.mondrian.runner.tokenizer.ModelTokenizer;
import dev.mondrian.runner.tokenizer.TokenizerFiles;
import dev.mondrian.trainer.data.TrainingExamples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Mondrian's own model from nothing, reproducibly: a tokenizer learned from the generated critiques
 * and prompts, seeded starting weights, then two phases over generated examples taken in index order:
 * {@code visionSteps} steps that teach the vision tower and projector to measure each photo's properties
 * (through a training-only {@link PropertyProbe}), then {@code steps} steps that teach the projector and
 * decoder to write the critiques, the tower frozen and the probe still helping. Saved as a model folder
 * the runner loads like any other.
 */
public final class TrainingRun {
    /** The options of one run; the defaults are the shipped model's. */
    public record Options(Path out, int visionSteps, int steps, int batch, float learningRate, long seed, int vocabSize,
                          Map<String, Advisor> advisors) {}

    /** ChatML whose user turns are lists of parts, each image part an image token on its own line. */
    public static final String CHAT_TEMPLATE = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' }}"
            + "{% if message['content'] is string %}{{ message['content'] }}{% else %}"
            + "{% for part in message['content'] %}{% if part['type'] == 'image' %}{{ '<image>\\n' }}"
            + "{% elif part['type'] == 'text' %}{{ part['text'] }}{% endif %}{% endfor %}{% endif %}"
            + "{{ '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    /** Examples whose text the tokenizer is learned from. */
    private static final int CORPUS_EXAMPLES = 4_000;
    private static final Duration CHECKPOINT_EVERY = Duration.ofMinutes(10);
    /** Photos per step while only the vision tower learns: they are cheap to look at, dear to draw. */
    private static final int VISION_BATCH = 32;
    static final int FEED_THREADS = 2;
    static final int FEED_WINDOW = 64;

    private final ModelRecipe recipe;
    private final Options options;
    private final Consumer<String> progress;
    private final TrainingExamples examples = new TrainingExamples();

    public TrainingRun(ModelRecipe recipe, Options options, Consumer<String> progress) {
        this.recipe = recipe;
        this.options = options;
        this.progress = progress;
    }

    public void run() throws IOException {
        Path out = options.out();
        Files.createDirectories(out);
        ByteLevelBpe bpe = BpeTrainer.train(corpus(), options.vocabSize(), TokenizerFiles.SPECIAL_TOKENS);
        TokenizerFiles.write(out, bpe, CHAT_TEMPLATE);
        recipe.writeInitial(out, bpe.vocabSize(), bpe.specialTokenId(TokenizerFiles.IMAGE), options.seed());
        progress.accept("tokenizer: %d tokens; model: %s".formatted(bpe.vocabSize(), recipe));
        try (Model model = Model.load(out, "cpu", recipe.maxPositions()); ModelTokenizer tokenizer = ModelTokenizer.load(out);
             ExampleFeed feed = new ExampleFeed(0, recipe.imageSize(), FEED_THREADS, FEED_WINDOW, null)) {
            ExampleEncoder encoder = new ExampleEncoder(new PromptEncoder(model, tokenizer), tokenizer,
                    options.advisors());
            Trainer trainer = new Trainer(model, options.learningRate(), options.visionSteps(), options.steps(),
                    options.seed());
            Progress vision = new Progress("vision step", options.visionSteps(), VISION_BATCH);
            for (int step = 0; step < options.visionSteps(); step++) {
                vision.record(step, trainer.visionStep(photos(feed, encoder, VISION_BATCH)), trainer);
            }
            Progress critiques = new Progress("step", options.steps(), options.batch());
            long lastCheckpoint = System.nanoTime();
            for (int step = 0; step < options.steps(); step++) {
                critiques.record(step, trainer.step(batch(feed, encoder, options.batch())), trainer);
                if (System.nanoTime() - lastCheckpoint > CHECKPOINT_EVERY.toNanos()) {
                    save(trainer, out);
                    lastCheckpoint = System.nanoTime();
                }
            }
            save(trainer, out);
        }
    }

    static List<ExampleEncoder.Encoded> batch(ExampleFeed feed, ExampleEncoder encoder, int size) {
        List<ExampleEncoder.Encoded> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            TrainingExamples.Example example = feed.next();
            batch.add(encoder.encode(new TrainingExample(example.image(), example.properties(), example.advisorId(),
                    example.userPrompt(), example.critique())));
        }
        return batch;
    }

    private static List<ExampleEncoder.Photo> photos(ExampleFeed feed, ExampleEncoder encoder, int size) {
        List<ExampleEncoder.Photo> photos = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            TrainingExamples.Example example = feed.next();
            photos.add(encoder.photo(example.image(), example.properties()));
        }
        return photos;
    }

    /** One phase's progress line every 25 steps: loss, speed, time left, memory, the probe's accuracy. */
    private final class Progress {
        private final String name;
        private final int steps;
        private final int batch;
        private final long start = System.nanoTime();
        private double recent;
        private int recentSteps;

        Progress(String name, int steps, int batch) {
            this.name = name;
            this.steps = steps;
            this.batch = batch;
        }

        void record(int step, double loss, Trainer trainer) {
            if (Double.isFinite(loss)) {
                recent += loss;
                recentSteps++;
            }
            if ((step + 1) % 25 != 0 && step + 1 != steps) {
                return;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double left = ProgressLine.secondsLeft(step + 1, steps, seconds);
            StringBuilder probe = new StringBuilder();
            trainer.probeAccuracy().forEach((property, share) ->
                    probe.append(probe.isEmpty() ? "  probe right: " : ", ").append(property.label()).append(' ')
                            .append(Math.round(share * 100)).append('%'));
            progress.accept("%s %d/%d  loss %.3f  %.1f examples/s  %s elapsed, %s left  peak memory %d MB%s%s"
                    .formatted(name, step + 1, steps, recent / Math.max(1, recentSteps), (step + 1) * batch / seconds,
                    ProgressLine.clock(seconds), ProgressLine.clock(left), ProcessMemory.peakBytes() >> 20,
                    trainer.skippedSteps() > 0 ? "  (" + trainer.skippedSteps() + " steps skipped)" : "", probe));
            recent = 0;
            recentSteps = 0;
        }
    }

    /** Written beside, then moved over the weights, so an interrupted save never leaves a broken model. */
    private void save(Trainer trainer, Path out) throws IOException {
        Path partial = out.resolve("model.safetensors.partial");
        trainer.save(partial);
        Files.move(partial, out.resolve("model.safetensors"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        progress.accept("saved " + out.resolve("model.safetensors"));
    }

    /** Critiques, requests and every advisor's system turn: the text the model will read and write. */
    private List<String> corpus() {
        List<String> corpus = new ArrayList<>();
        for (long index = 0; index < CORPUS_EXAMPLES; index++) {
            TrainingExamples.Example example = examples.example(index, 16);
            corpus.add(example.critique());
            corpus.add(example.userPrompt());
        }
        for (Advisor advisor : options.advisors().values()) {
            AdvisorPrompt.messages(advisor, "", null, true).forEach(m -> corpus.add(m.text()));
            AdvisorPrompt.messages(advisor, "", new Attachment("image/png", 1, 1),
                    true).forEach(m -> corpus.add(m.text()));
        }
        return corpus;
    }
}
