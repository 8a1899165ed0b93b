package dev.mondrian.runner.model;

import static dev.mondrian.runner.model.Closeness.maxDifference;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The engine's logits against the plain-loop reference, and cached decoding against recomputation. */
class TextDecoderTest {
    private static final int[] TOKENS = {1, 17, 5, 42, 8, 33, 0, 60, 12, 7, 3};

    @TempDir
    Path dir;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of(TinyDecoder.llama(), SafeTensorsWriter.DType.F32, 1),
                Arguments.of(TinyDecoder.qwen2(), SafeTensorsWriter.DType.BF16, 2),
                Arguments.of(TinyDecoder.mistral(), SafeTensorsWriter.DType.F16, 3),
                Arguments.of(TinyDecoder.smolLlama3(), SafeTensorsWriter.DType.F32, 1),
                Arguments.of(TinyDecoder.linearRope(), SafeTensorsWriter.DType.BF16, 1),
                Arguments.of(TinyDecoder.qwen3(), SafeTensorsWriter.DType.F32, 1),
                Arguments.of(TinyDecoder.qwen3(), SafeTensorsWriter.DType.BF16, 2));
    }

    @ParameterizedTest(name = "{0} stored as {1} in {2} file(s)")
    @MethodSource("models")
    void logitsMatchThePlainReferenceAndTheCacheChangesNothing(TinyDecoder spec, SafeTensorsWriter.DType dtype,
                                                               int shards) throws Exception {
        Map<String, float[]> stored = spec.write(dir, dtype, shards);
        float[][] expected = new ReferenceDecoder(spec, stored).logits(TOKENS);
        try (Model model = Model.load(dir, "cpu", 64)) {
            float[] full = fullSequence(model);
            assertThat(maxDifference(full, expected)).as("largest logit difference").isLessThanOrEqualTo(1e-4);

            float[][] stepwise = new float[TOKENS.length][];
            try (KvCache cache = model.decoder().newCache(); NDManager scratch = model.manager().newSubManager()) {
                // Prefill the first five, then one token at a time, as generation does.
                stepwise[4] = last(model, scratch, cache, 0, 5);
                for (int t = 5; t < TOKENS.length; t++) {
                    stepwise[t] = last(model, scratch, cache, t, t + 1);
                }
            }
            // One-row and many-row matmuls sum in different orders, so float rounding differs by ~1e-5;
            // a cache bug (wrong position, stale keys) moves logits by orders of magnitude more.
            int vocab = expected[0].length;
            for (int t = 4; t < TOKENS.length; t++) {
                assertThat(maxDifference(stepwise[t], Arrays.copyOfRange(full, t * vocab, (t + 1) * vocab)))
                        .as("largest logit difference at %d", t).isLessThanOrEqualTo(5e-5);
            }
        }
    }

    /** Logits at every position, flattened [seq, vocab]. */
    private static float[] fullSequence(Model model) {
        try (NDScope scope = new NDScope(); KvCache cache = model.decoder().newCache();
             NDManager scratch = model.manager().newSubManager()) {
            scope.suppressNotUsedWarning();
            return model.decoder().forward(model.decoder().embed(scratch, ids(0, TOKENS.length)), cache, true)
                    .toFloatArray();
        }
    }

    private static float[] last(Model model, NDManager scratch, KvCache cache, int from, int to) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return model.decoder().forward(model.decoder().embed(scratch, ids(from, to)), cache, false).toFloatArray();
        }
    }

    private static long[] ids(int from, int to) {
        long[] ids = new long[to - from];
        for (int i = from; i < to; i++) {
            ids[i - from] = TOKENS[i];
        }
        return ids;
    }
}
