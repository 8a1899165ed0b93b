package dev.mondrian.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mondrian.runner.bench.GreedyReference;
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
import dev.mondrian.trainer.data.DrawnPhotos;
import dev.mondrian.trainer.data.Property;
import dev.mondrian.trainer.data.PropertyMeter;
import dev.mondrian.trainer.data.TrainingExamples;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The model in gpu-runner/model, as shipped: it loads, it is small, and it describes the photo in front of it. */
class ShippedModelTest {
    static final Path FOLDER = Path.of("..", "gpu-runner", "model");
    static Model model;
    static ModelTokenizer tokenizer;
    static Map<String, Advisor> advisors;
    /**
     * Per property (in declaration order), the share of the 24 held-out critiques below that must state it
     * correctly: the 90% target, except horizon, which the shipped model gets right in 87.5% of them (90% of
     * ./mondrian evaluate's 200). Bars sit a photo below what the model scores, so that a different thread
     * count's rounding may flip one close call.
     */
    static final Map<Property, Double> HELD_OUT_BAR = bars(0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.83, 0.9, 0.9);
    /**
     * The same for the 24 photos drawn here, which the model never saw the like of: it scores 92, 96, 75, 88,
     * 92, 100, 67, 75 and 75%, short of the target for palette, temperature, horizon, placement and negative
     * space, but far above chance (a palette guessed at random is right one time in seven, a horizon one in four).
     */
    /** Float32 on both sides, summed in different orders: the logits differ by at most 6e-6 over the 60 steps. */
    static final double TRANSFORMERS_TOLERANCE = 1e-3;
    static final Map<Property, Double> DRAWN_BAR = bars(0.875, 0.91, 0.70, 0.83, 0.875, 0.95, 0.62, 0.70, 0.70);

    private static Map<Property, Double> bars(double... bars) {
        Map<Property, Double> map = new java.util.EnumMap<>(Property.class);
        for (Property property : Property.values()) {
            map.put(property, bars[property.ordinal()]);
        }
        return map;
    }

    @BeforeAll
    static void load() throws Exception {
        model = Model.load(FOLDER, "cpu", 2048);
        tokenizer = ModelTokenizer.load(FOLDER);
        advisors = AdvisorsFile.read(null);
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
        assertThat(model.images()).isPresent();
        assertThat(tokenizer.chatTemplate().render(AdvisorPrompt.messages(advisors.get("ansel"), "",
                new Attachment("image/png", 96, 96), true), true)).contains("<image>");
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
     * The folder means the same to Hugging Face transformers: greedy decoding of one held-out photo gives, at every
     * step, the same five highest-scoring tokens with logits within {@link #TRANSFORMERS_TOLERANCE} of what
     * transformers computed on a CPU in float32 (bench/transformers_reference.py wrote the file; a retrained model
     * needs a new one, made the same way).
     */
    @Test
    void greedyDecodingMatchesTransformersOnTheSameFolder() throws Exception {
        Path reference = Path.of("..", "bench", "reference");
        JsonNode expected = JsonMapper.builder().build()
                .readTree(reference.resolve("shipped").resolve("transformers-cpu-float32.json").toFile());
        BufferedImage photo = ImageIO.read(reference.resolve("held-out-photo.png").toFile());
        int steps = expected.get("ids").size();
        GreedyReference.Decoded decoded = GreedyReference.decode(model, tokenizer, photo,
                expected.get("prompt").asString(), steps, 5);
        assertThat(decoded.promptTokens()).isEqualTo(expected.get("prompt_tokens").asInt());
        assertThat(decoded.ids()).containsExactlyElementsOf(expected.get("ids").valueStream().map(JsonNode::asLong).toList());
        for (int step = 0; step < steps; step++) {
            JsonNode ids = expected.get("top_ids").get(step);
            JsonNode logits = expected.get("top_logits").get(step);
            for (int rank = 0; rank < ids.size(); rank++) {
                // Near-ties may swap places; each of transformers' top tokens must be among ours with its logit.
                int id = ids.get(rank).asInt();
                int ours = decoded.topIds().get(step).indexOf(id);
                assertThat(ours).as("step %d: token %d among the engine's top 5", step, id).isNotNegative();
                assertThat((double) decoded.topLogits().get(step).get(ours)).as("step %d: logit of token %d", step, id)
                        .isCloseTo(logits.get(rank).asDouble(), within(TRANSFORMERS_TOLERANCE));
            }
        }
    }

    /**
     * Held-out photos (never trained on) get critiques that state every property, and state it as the meter
     * measures it at least as often as the bar; ./mondrian evaluate gives the fuller figures in docs/BENCHMARKS.md.
     */
    @Test
    void heldOutCritiquesStateWhatThePhotoShows() throws Exception {
        TrainingExamples examples = new TrainingExamples();
        List<Evaluation.Case> photos = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            TrainingExamples.Example e = examples.example(TrainingExamples.HELD_OUT.start() + 1000 + i, 96);
            photos.add(new Evaluation.Case(e.image(), e.properties(), e.advisorId(), e.userPrompt()));
        }
        Evaluation.Score score = new Evaluation(model, tokenizer, advisors, Map.of()).score(photos, 400);
        for (Property property : Property.values()) {
            assertThat(score.statedShare(property)).as(property.label()).isGreaterThanOrEqualTo(0.9);
            assertThat(score.accuracy(property)).as(property.label()).isGreaterThanOrEqualTo(HELD_OUT_BAR.get(property));
        }
    }

    /**
     * Photos this test draws itself, pixel by pixel, with none of the training renderer's code: the critique
     * still names what the meter measures on them, as often as the bars say.
     */
    @Test
    void photosDrawnHereGetCritiquesAboutThem() throws Exception {
        PropertyMeter meter = new PropertyMeter();
        List<Evaluation.Case> photos = new ArrayList<>();
        List<String> advisorIds = advisors.keySet().stream().sorted().toList();
        for (int i = 0; i < 24; i++) {
            BufferedImage photo = DrawnPhotos.draw(i).image();
            photos.add(new Evaluation.Case(photo, meter.measure(photo), advisorIds.get(i % advisorIds.size()), ""));
        }
        Evaluation.Score score = new Evaluation(model, tokenizer, advisors, Map.of()).score(photos, 400);
        DRAWN_BAR.forEach((property, bar) ->
                assertThat(score.accuracy(property)).as(property.label()).isGreaterThanOrEqualTo(bar));
    }

    private static String critique(BufferedImage photo, String advisor, SamplingParams sampling) throws Exception {
        PromptEncoder prompts = new PromptEncoder(model, tokenizer);
        PromptEncoder.Encoded prompt = prompts.encode(AdvisorPrompt.messages(advisors.get(advisor), "",
                new Attachment("image/png", 96, 96), true), photo);
        try (TokenStream stream = new Generator(model, tokenizer).stream(new GenerationRequest(prompt.ids(),
                prompt.image(), 400, sampling, List.of(), tokenizer.eosTokenIds()))) {
            stream.forEachRemaining(step -> { });
            return stream.text();
        }
    }
}
