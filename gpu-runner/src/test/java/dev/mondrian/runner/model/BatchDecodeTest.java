package dev.mondrian.runner.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Batched decoding ({@link Model#step}) against each sequence decoded alone through {@link Model#forward}:
 * sequences of different lengths, some after an image (their RoPE positions behind their cache slots),
 * joining the batch late and leaving it early, as continuous batching has them.
 */
class BatchDecodeTest {
    private static final int STEPS = 6;
    /** Batched and single matmuls may sum in different orders (~1e-6); a wrong cache or position moves logits by far more. */
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    /**
     * One sequence: its prompt (and the image whose tokens it holds, or null), the batch steps it joins
     * at and leaves before, and the tokens teacher-forced into it from its first step on.
     */
    private record Sequence(long[] prompt, PreparedImage image, int joins, int leaves, long[] forced) {}

    static Stream<Arguments> textModels() {
        return Stream.of(Arguments.of(TinyDecoder.qwen2()), Arguments.of(TinyDecoder.llama()),
                Arguments.of(TinyDecoder.qwen3()));
    }

    static Stream<Arguments> visionModels() {
        return Stream.of(Arguments.of(TinyQwenVl.qwen3Vl(true)), Arguments.of(TinyQwenVl.qwen2Vl(false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("textModels")
    void textBatchMatchesEachSequenceAlone(TinyDecoder spec) throws Exception {
        spec.write(dir, SafeTensorsWriter.DType.F32, 1);
        try (Model model = Model.load(dir, "cpu", 64)) {
            assertBatchMatchesAlone(model, List.of(
                    new Sequence(ids(1, 17, 5), null, 0, STEPS, forced(1)),
                    new Sequence(ids(1, 17, 5, 42, 8, 33, 0, 60, 12), null, 0, 3, forced(2)),
                    new Sequence(ids(9, 4), null, 0, STEPS, forced(3)),
                    new Sequence(ids(3, 14, 15, 9, 26, 53, 58, 9, 7, 9, 32, 38, 46), null, 2, STEPS, forced(4))));
        }
    }

    /**
     * Batches of up to {@link VectorDecodeStep#MAX_ROWS} sequences are decoded in Java, larger ones through PyTorch:
     * two sequences that join at step 2 and leave at step 4 take the batch across that line and back, and every
     * row matches either way.
     */
    @Test
    void aBatchCrossingTheJavaStepsLimitMatchesToo() throws Exception {
        TinyDecoder.qwen3().write(dir, SafeTensorsWriter.DType.F32, 1);
        try (Model model = Model.load(dir, "cpu", 64)) {
            List<Sequence> sequences = new ArrayList<>();
            for (int i = 0; i < VectorDecodeStep.MAX_ROWS + 2; i++) {
                boolean late = i >= VectorDecodeStep.MAX_ROWS;
                long[] prompt = new SplittableRandom(100 + i).longs(2 + i % 7, 0, 80).toArray();
                sequences.add(new Sequence(prompt, null, late ? 2 : 0, late ? 4 : STEPS, forced(10 + i)));
            }
            assertBatchMatchesAlone(model, sequences);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("visionModels")
    void visionBatchMatchesEachSequenceAlone(TinyQwenVl spec) throws Exception {
        spec.write(dir);
        try (Model model = Model.load(dir, "cpu", 64)) {
            List<Sequence> sequences = List.of(
                    new Sequence(imagePrompt(spec, ids(1, 8, 15), ids(22, 29, 36)), spec.image(5), 0, STEPS, forced(1)),
                    new Sequence(ids(1, 17, 5, 42, 8, 33, 0, 60, 12), null, 0, 3, forced(2)),
                    new Sequence(imagePrompt(spec, ids(3), ids(7)), spec.image(6), 0, STEPS, forced(3)),
                    new Sequence(imagePrompt(spec, ids(4, 5, 6, 7, 8), ids(9, 10)), spec.image(7), 2, STEPS, forced(4)));
            for (Sequence s : sequences) {
                if (s.image() != null) {
                    assertThat(model.positions(s.prompt(), s.image(), 0).next())
                            .as("an image's positions run behind its tokens").isLessThan(s.prompt().length);
                }
            }
            assertBatchMatchesAlone(model, sequences);
        }
    }

    /** A batch of one runs the same operations on the same values as forward does for one token. */
    @Test
    void aBatchOfOneIsForward() throws Exception {
        TinyQwenVl spec = TinyQwenVl.qwen3Vl(true);
        spec.write(dir);
        try (Model model = Model.load(dir, "cpu", 64);
             NDManager scratch = model.manager().newSubManager();
             KvCache single = model.decoder().newCache();
             KvCache batched = model.decoder().newCache()) {
            long[] prompt = imagePrompt(spec, ids(1, 8, 15), ids(22, 29, 36));
            prefill(model, scratch, single, new Sequence(prompt, spec.image(5), 0, STEPS, forced(1)));
            prefill(model, scratch, batched, new Sequence(prompt, spec.image(5), 0, STEPS, forced(1)));
            for (long token : forced(1)) {
                float[] expected;
                float[] actual;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    expected = model.forward(scratch, new long[] {token}, null, single, false).toFloatArray();
                    actual = model.step(scratch, new long[] {token}, List.of(batched), Collections.nCopies(1, null)).toFloatArray();
                }
                assertThat(actual).isEqualTo(expected);
                assertThat(batched.length()).isEqualTo(single.length());
                assertThat(batched.position()).isEqualTo(single.position()).isLessThan(batched.length());
            }
        }
    }

    /**
     * Decodes each sequence alone, then all of them in batched steps: each prefilled alone when it
     * joins, then stepped with whoever else is in the batch at that step, until it leaves. Every row of
     * every step must match the same sequence's logits alone, and each cache must end where the lone
     * decode's did.
     */
    private static void assertBatchMatchesAlone(Model model, List<Sequence> sequences) {
        List<float[][]> alone = new ArrayList<>();
        List<int[]> ends = new ArrayList<>();
        try (NDManager scratch = model.manager().newSubManager()) {
            for (Sequence s : sequences) {
                try (KvCache cache = model.decoder().newCache()) {
                    prefill(model, scratch, cache, s);
                    float[][] logits = new float[s.leaves() - s.joins()][];
                    for (int k = 0; k < logits.length; k++) {
                        logits[k] = decodeAlone(model, scratch, cache, s.forced()[k]);
                    }
                    alone.add(logits);
                    ends.add(new int[] {cache.length(), cache.position()});
                }
            }
            Map<Integer, KvCache> batch = new LinkedHashMap<>();
            for (int step = 0; step < STEPS; step++) {
                for (int i = 0; i < sequences.size(); i++) {
                    Sequence s = sequences.get(i);
                    if (s.leaves() == step) {
                        KvCache cache = batch.remove(i);
                        assertThat(new int[] {cache.length(), cache.position()}).as("sequence %d's cache", i)
                                .containsExactly(ends.get(i));
                        cache.close();
                    } else if (s.joins() == step) {
                        KvCache cache = model.decoder().newCache();
                        prefill(model, scratch, cache, s);
                        batch.put(i, cache);
                    }
                }
                int at = step;
                long[] tokens = batch.keySet().stream()
                        .mapToLong(i -> sequences.get(i).forced()[at - sequences.get(i).joins()]).toArray();
                float[] logits;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    logits = model.step(scratch, tokens, new ArrayList<>(batch.values()), Collections.nCopies(tokens.length, null)).toFloatArray();
                }
                int vocab = logits.length / tokens.length;
                int row = 0;
                for (int i : batch.keySet()) {
                    float[] expected = alone.get(i)[step - sequences.get(i).joins()];
                    double difference = 0;
                    for (int v = 0; v < vocab; v++) {
                        difference = Math.max(difference, Math.abs(logits[row * vocab + v] - expected[v]));
                    }
                    assertThat(difference).as("sequence %d at step %d, row %d of %d", i, step, row, tokens.length)
                            .isLessThan(TOLERANCE);
                    row++;
                }
            }
            for (Map.Entry<Integer, KvCache> entry : batch.entrySet()) {
                assertThat(new int[] {entry.getValue().length(), entry.getValue().position()})
                        .as("sequence %d's cache", entry.getKey()).containsExactly(ends.get(entry.getKey()));
                entry.getValue().close();
            }
        }
    }

    private static void prefill(Model model, NDManager scratch, KvCache cache, Sequence s) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            model.forward(scratch, s.prompt(), s.image(), cache, false);
        }
    }

    private static float[] decodeAlone(Model model, NDManager scratch, KvCache cache, long token) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return model.forward(scratch, new long[] {token}, null, cache, false).toFloatArray();
        }
    }

    /** Text, vision_start, the image's tokens, vision_end, text: as Qwen's chat template lays an image out. */
    static long[] imagePrompt(TinyQwenVl spec, long[] before, long[] after) {
        long[] image = new long[spec.imageTokens()];
        Arrays.fill(image, spec.imageToken());
        return Stream.of(before, new long[] {spec.visionStart()}, image, new long[] {spec.visionEnd()}, after)
                .flatMapToLong(Arrays::stream).toArray();
    }

    /** Teacher-forced tokens: plain text ids below every tiny model's special tokens. */
    private static long[] forced(long seed) {
        return new SplittableRandom(seed).longs(STEPS, 0, 80).toArray();
    }

    private static long[] ids(long... ids) {
        return ids;
    }
}
