package dev.mondrian.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.runner.generation.GenerationRequest;
import dev.mondrian.runner.generation.Generator;
import dev.mondrian.runner.generation.PromptEncoder;
import dev.mondrian.runner.generation.TokenStream;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.persona.Advisor;
import dev.mondrian.runner.persona.AdvisorPrompt;
import dev.mondrian.runner.persona.Attachment;
import dev.mondrian.runner.sampling.SamplingParams;
import dev.mondrian.runner.tokenizer.ModelTokenizer;
import dev.mondrian.runner.tokenizer.TinyTokenizerFiles;
import dev.mondrian.trainer.data.PhotoProperties.Palette;
import dev.mondrian.trainer.data.PhotoProperties;
import dev.mondrian.trainer.data.Property;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training end to end on a task small enough for a test: name the colour of the photo. The model
 * is trained with the engine's forward pass, saved, loaded again as the runner loads any model,
 * and must then answer correctly for shades it never saw.
 */
class TrainerTest {
    static final ModelRecipe TINY = new ModelRecipe(16, 8, 16, 1, 2, 32, 32, 2, 2, 1, 64, 512);
    static final int VISION_STEPS = 20;
    static final Advisor ADVISOR = new Advisor("ansel", "Ansel", "A landscape photographer.", List.of("exposure"), "Calm.", null);

    @TempDir
    Path dir;

    private static BufferedImage solid(Color colour) {
        BufferedImage image = new BufferedImage(24, 24, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, 24, 24);
        g.dispose();
        return image;
    }

    /** Two red and two blue photos, each captioned with its colour, their properties known (the probe learns too). */
    private static List<ExampleEncoder.Encoded> colours(ExampleEncoder encoder) {
        PhotoProperties reddish = PhotoProperties.random(new SplittableRandom(1)).with(Property.PALETTE, Palette.RED);
        PhotoProperties bluish = reddish.with(Property.PALETTE, Palette.BLUE);
        List<ExampleEncoder.Encoded> batch = new ArrayList<>();
        for (int shade = 0; shade < 2; shade++) {
            batch.add(encoder.encode(new TrainingExample(solid(new Color(200 + 40 * shade, 20, 30)), reddish, "ansel",
                    "", "Red.")));
            batch.add(encoder.encode(new TrainingExample(solid(new Color(20, 40, 200 + 40 * shade)), bluish, "ansel",
                    "", "Blue.")));
        }
        return batch;
    }

    /** The photos of the examples, for the vision phase. */
    private static List<ExampleEncoder.Photo> photos(List<ExampleEncoder.Encoded> batch) {
        return batch.stream().map(e -> new ExampleEncoder.Photo(e.pixels(), e.properties())).toList();
    }

    /** Trains a fresh model in {@code folder}; returns the loss of every step. */
    private List<Double> train(Path folder, int steps) throws Exception {
        TinyTokenizerFiles.write(folder, true);
        TINY.writeInitial(folder, TinyTokenizerFiles.VOCAB_SIZE, TinyTokenizerFiles.IMAGE, 42);
        List<Double> losses = new ArrayList<>();
        try (Model model = Model.load(folder, "cpu", 512); ModelTokenizer tokenizer = ModelTokenizer.load(folder)) {
            ExampleEncoder encoder = new ExampleEncoder(new PromptEncoder(model, tokenizer), tokenizer,
                    Map.of(ADVISOR.id(), ADVISOR));
            // As a real run does: the tower first learns to see through the probe, then the critiques are learned.
            Trainer trainer = new Trainer(model, 4e-3f, VISION_STEPS, steps, 1);
            List<ExampleEncoder.Encoded> batch = colours(encoder);
            for (int step = 0; step < VISION_STEPS; step++) {
                trainer.visionStep(photos(batch));
            }
            for (int step = 0; step < steps; step++) {
                losses.add(trainer.step(batch));
            }
            trainer.save(folder.resolve("model.safetensors"));
        }
        return losses;
    }

    private static String answer(Path folder, Color colour) throws Exception {
        try (Model model = Model.load(folder, "cpu", 512); ModelTokenizer tokenizer = ModelTokenizer.load(folder)) {
            PromptEncoder prompts = new PromptEncoder(model, tokenizer);
            BufferedImage image = solid(colour);
            PromptEncoder.Encoded prompt = prompts.encode(AdvisorPrompt.messages(ADVISOR, "",
                    new Attachment("image/png", 24, 24), true), image);
            try (TokenStream stream = new Generator(model, tokenizer).stream(new GenerationRequest(prompt.ids(),
                    prompt.image(), 8, SamplingParams.GREEDY, List.of(), tokenizer.eosTokenIds()))) {
                stream.forEachRemaining(step -> { });
                return stream.text();
            }
        }
    }

    @Test
    void aTrainedModelNamesTheColourOfPhotosItNeverSaw() throws Exception {
        Path folder = dir.resolve("model");
        List<Double> losses = train(folder, 100);
        assertThat(losses.getLast()).as("loss %s", losses).isLessThan(losses.getFirst() / 10);
        assertThat(answer(folder, new Color(220, 40, 20))).isEqualTo("Red.");
        assertThat(answer(folder, new Color(40, 20, 220))).isEqualTo("Blue.");
    }

    /**
     * The vision phase teaches the probe to tell red photos from blue ones, and changes the vision tower and
     * projector only; the critique phase then trains the decoder and leaves the tower as it is.
     */
    @Test
    void visionStepsTrainTheTowerAndCritiqueStepsTheDecoder() throws Exception {
        Path folder = dir.resolve("vision");
        TinyTokenizerFiles.write(folder, true);
        TINY.writeInitial(folder, TinyTokenizerFiles.VOCAB_SIZE, TinyTokenizerFiles.IMAGE, 42);
        try (Model model = Model.load(folder, "cpu", 512); ModelTokenizer tokenizer = ModelTokenizer.load(folder)) {
            ExampleEncoder encoder = new ExampleEncoder(new PromptEncoder(model, tokenizer), tokenizer,
                    Map.of(ADVISOR.id(), ADVISOR));
            List<ExampleEncoder.Encoded> batch = colours(encoder);
            float[] decoderBefore = model.weights().get("model.layers.0.mlp.up_proj.weight").toFloatArray();
            float[] towerBefore = model.weights().get("vision_tower.vision_model.encoder.layers.0.mlp.fc1.weight")
                    .toFloatArray();
            Trainer trainer = new Trainer(model, 4e-3f, 60, 3, 1);
            List<Double> losses = new ArrayList<>();
            for (int step = 0; step < 60; step++) {
                losses.add(trainer.visionStep(photos(batch)));
                if (step == 49) {
                    trainer.probeAccuracy(); // only the last ten steps count
                }
            }
            assertThat(losses.getLast()).as("probe loss %s", losses).isLessThan(losses.getFirst());
            assertThat(trainer.probeAccuracy()).containsEntry(Property.PALETTE, 1.0);
            assertThat(model.weights().get("model.layers.0.mlp.up_proj.weight").toFloatArray()).isEqualTo(decoderBefore);
            float[] towerTrained = model.weights().get("vision_tower.vision_model.encoder.layers.0.mlp.fc1.weight")
                    .toFloatArray();
            assertThat(towerTrained).isNotEqualTo(towerBefore);
            for (int step = 0; step < 3; step++) {
                trainer.step(batch);
            }
            assertThat(model.weights().get("model.layers.0.mlp.up_proj.weight").toFloatArray()).isNotEqualTo(decoderBefore);
            assertThat(model.weights().get("vision_tower.vision_model.encoder.layers.0.mlp.fc1.weight").toFloatArray())
                    .as("the critiques leave the tower as the probe trained it").isEqualTo(towerTrained);
        }
    }

    @Test
    void theSameSeedTrainsTheSameWeights() throws Exception {
        List<Double> first = train(dir.resolve("a"), 20);
        List<Double> second = train(dir.resolve("b"), 20);
        assertThat(second).isEqualTo(first);
        assertThat(Files.readAllBytes(dir.resolve("b/model.safetensors")))
                .isEqualTo(Files.readAllBytes(dir.resolve("a/model.safetensors")));
    }
}
