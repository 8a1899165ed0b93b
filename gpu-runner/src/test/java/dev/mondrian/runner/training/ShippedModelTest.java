package dev.mondrian.runner.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.runner.generation.GenerationRequest;
import dev.mondrian.runner.generation.Generator;
import dev.mondrian.runner.generation.PromptEncoder;
import dev.mondrian.runner.generation.TokenStream;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.persona.AdvisorPrompt;
import dev.mondrian.runner.protocol.RunnerWire.Advisor;
import dev.mondrian.runner.protocol.RunnerWire.ImageRef;
import dev.mondrian.runner.sampling.SamplingParams;
import dev.mondrian.runner.tokenizer.ModelTokenizer;
import dev.mondrian.runner.training.data.Property;
import dev.mondrian.runner.training.data.TrainingExamples;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The model in gpu-runner/model, as shipped: it loads, it is small, and it describes the photo in front of it. */
class ShippedModelTest {
    static final Path FOLDER = Path.of("model");
    static Model model;
    static ModelTokenizer tokenizer;
    static Map<String, Advisor> advisors;

    @BeforeAll
    static void load() throws Exception {
        model = Model.load(FOLDER, "cpu", 2048);
        tokenizer = ModelTokenizer.load(FOLDER);
        advisors = AdvisorsFile.read(Path.of("..").resolve(AdvisorsFile.DEFAULT));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        model.close();
    }

    @Test
    void itIsASmallLlavaFolderTheEngineLoads() throws Exception {
        long bytes;
        try (var files = Files.list(FOLDER)) {
            bytes = files.mapToLong(f -> f.toFile().length()).sum();
        }
        assertThat(bytes).isLessThanOrEqualTo(25L << 20);
        assertThat(model.vision()).isPresent();
        assertThat(tokenizer.chatTemplate().render(AdvisorPrompt.messages(advisors.get("ansel"), "",
                new ImageRef("", "image/png", 96, 96), true), true)).contains("<image>");
    }

    @Test
    void aFixedSeedGivesTheSameCritiqueEveryTime() throws Exception {
        BufferedImage photo = new TrainingExamples().example(TrainingExamples.HELD_OUT.start() + 7, 96).image();
        String first = critique(photo, "cartier", new SamplingParams(0.7, 0, 0.95, 1.0, 42));
        String second = critique(photo, "cartier", new SamplingParams(0.7, 0, 0.95, 1.0, 42));
        assertThat(first).isNotBlank().isEqualTo(second);
        assertThat(critique(photo, "cartier", new SamplingParams(0.7, 0, 0.95, 1.0, 43))).isNotEqualTo(first);
    }

    /**
     * Every critique states all nine properties in words the reader knows: the model writes the
     * critiques it was taught. How often they are right is measured by ./mondrian evaluate and
     * recorded in docs/BENCHMARKS.md; the first version is far from the 90% target, so no bar here.
     */
    @Test
    void heldOutCritiquesStateEveryProperty() throws Exception {
        Evaluation evaluation = new Evaluation(model, tokenizer, FOLDER, advisors);
        TrainingExamples examples = new TrainingExamples();
        List<Evaluation.Case> photos = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            TrainingExamples.Example e = examples.example(TrainingExamples.HELD_OUT.start() + 1000 + i, 96);
            photos.add(new Evaluation.Case(e.image(), e.properties(), e.advisorId(), e.userPrompt()));
        }
        Evaluation.Score score = evaluation.score(photos, 400);
        for (Property property : Property.values()) {
            assertThat(score.statedShare(property)).as(property.label()).isGreaterThanOrEqualTo(0.75);
        }
    }

    private static String critique(BufferedImage photo, String advisor, SamplingParams sampling) throws Exception {
        PromptEncoder prompts = new PromptEncoder(model, tokenizer, FOLDER);
        PromptEncoder.Encoded prompt = prompts.encode(AdvisorPrompt.messages(advisors.get(advisor), "",
                new ImageRef("", "image/png", 96, 96), true), photo);
        try (TokenStream stream = new Generator(model, tokenizer).stream(new GenerationRequest(prompt.ids(),
                prompt.pixels(), 400, sampling, List.of(), tokenizer.eosTokenIds()))) {
            stream.forEachRemaining(step -> { });
            return stream.text();
        }
    }
}
