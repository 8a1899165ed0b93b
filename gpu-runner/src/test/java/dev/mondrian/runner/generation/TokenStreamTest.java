package dev.mondrian.runner.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.runner.chat.ChatMessage;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.ReferenceDecoder;
import dev.mondrian.runner.model.SafeTensorsWriter;
import dev.mondrian.runner.model.TinyDecoder;
import dev.mondrian.runner.sampling.SamplingParams;
import dev.mondrian.runner.tokenizer.ModelTokenizer;
import dev.mondrian.runner.tokenizer.TinyTokenizerFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStreamTest {
    @TempDir
    static Path dir;

    static TinyDecoder spec = TinyDecoder.chat(TinyTokenizerFiles.VOCAB_SIZE);
    static Map<String, float[]> weights;
    static Model model;
    static ModelTokenizer tokenizer;
    static Generator generator;
    static long[] prompt;

    @BeforeAll
    static void load() throws Exception {
        weights = spec.write(dir, SafeTensorsWriter.DType.F32, 1);
        TinyTokenizerFiles.write(dir, false);
        model = Model.load(dir, "cpu", 128);
        tokenizer = ModelTokenizer.load(dir);
        generator = new Generator(model, tokenizer);
        prompt = tokenizer.encode(tokenizer.chatTemplate().render(List.of(new ChatMessage("user", "Hi", 0)), true));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        model.close();
    }

    private static List<GenerationStep> run(GenerationRequest request) {
        List<GenerationStep> steps = new ArrayList<>();
        try (TokenStream stream = generator.stream(request)) {
            stream.forEachRemaining(steps::add);
        }
        return steps;
    }

    private static GenerationRequest request(int maxTokens, SamplingParams sampling, List<String> stops, Set<Long> eos) {
        return new GenerationRequest(prompt, null, maxTokens, sampling, stops, eos);
    }

    @Test
    void greedyGenerationFollowsTheReferenceTokenByToken() {
        List<GenerationStep> steps = run(request(12, SamplingParams.GREEDY, List.of(), Set.of()));
        assertThat(steps).hasSize(12);
        ReferenceDecoder reference = new ReferenceDecoder(spec, weights);
        int[] context = Arrays.stream(prompt).mapToInt(id -> (int) id).toArray();
        for (GenerationStep step : steps) {
            float[][] logits = reference.logits(context);
            float[] last = logits[logits.length - 1];
            int best = 0;
            for (int v = 1; v < last.length; v++) {
                best = last[v] > last[best] ? v : best;
            }
            assertThat(step.tokenId()).isEqualTo(best);
            context = Arrays.copyOf(context, context.length + 1);
            context[context.length - 1] = best;
        }
        GenerationStep last = steps.getLast();
        assertThat(last.promptTokens()).isEqualTo(prompt.length);
        assertThat(last.generationTokens()).isEqualTo(12);
        assertThat(last.promptTps()).isPositive();
        assertThat(last.generationTps()).isPositive();
        assertThat(last.peakMemoryBytes()).isPositive();
    }

    @Test
    void streamedTextIsTheDecodedTokensAndSeedsReproduce() {
        SamplingParams sampling = new SamplingParams(1.0, 50, 0.95, 1.1, 1234);
        List<GenerationStep> first = run(request(40, sampling, List.of(), Set.of()));
        List<GenerationStep> again = run(request(40, sampling, List.of(), Set.of()));
        assertThat(again.stream().map(GenerationStep::tokenId).toList())
                .isEqualTo(first.stream().map(GenerationStep::tokenId).toList());
        String text = String.join("", first.stream().map(GenerationStep::text).toList());
        long[] ids = first.stream().mapToLong(GenerationStep::tokenId).toArray();
        assertThat(text).isEqualTo(tokenizer.decode(ids));
        List<GenerationStep> otherSeed = run(request(40, new SamplingParams(1.0, 50, 0.95, 1.1, 99), List.of(), Set.of()));
        assertThat(otherSeed.stream().map(GenerationStep::tokenId).toList())
                .isNotEqualTo(first.stream().map(GenerationStep::tokenId).toList());
    }

    @Test
    void eosStopsAndEndsTheStream() {
        long firstToken = run(request(1, SamplingParams.GREEDY, List.of(), Set.of())).getFirst().tokenId();
        try (TokenStream stream = generator.stream(request(20, SamplingParams.GREEDY, List.of(), Set.of(firstToken)))) {
            GenerationStep step = stream.next();
            assertThat(step.tokenId()).isEqualTo(firstToken);
            assertThat(stream.hasNext()).isFalse();
            assertThat(stream.finishReason()).isEqualTo(FinishReason.EOS);
        }
    }

    @Test
    void aStopStringEndsGenerationAndIsNeverShown() {
        String full = String.join("", run(request(30, SamplingParams.GREEDY, List.of(), Set.of())).stream()
                .map(GenerationStep::text).toList());
        String stop = full.substring(10, 13);
        try (TokenStream stream = generator.stream(request(30, SamplingParams.GREEDY, List.of(stop), Set.of()))) {
            stream.forEachRemaining(step -> { });
            assertThat(stream.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(stream.text()).isEqualTo(full.substring(0, full.indexOf(stop)));
        }
    }

    @Test
    void cancellingBetweenTokensStopsAtOnce() {
        try (TokenStream stream = generator.stream(request(30, SamplingParams.GREEDY, List.of(), Set.of()))) {
            stream.next();
            stream.next();
            stream.cancel();
            assertThat(stream.hasNext()).isFalse();
            assertThat(stream.finishReason()).isEqualTo(FinishReason.CANCELLED);
        }
        try (TokenStream stream = generator.stream(request(5, SamplingParams.GREEDY, List.of(), Set.of()))) {
            stream.forEachRemaining(step -> { });
            assertThat(stream.finishReason()).isEqualTo(FinishReason.LENGTH);
        }
    }
}
