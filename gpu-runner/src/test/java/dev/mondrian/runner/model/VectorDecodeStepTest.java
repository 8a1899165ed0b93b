package dev.mondrian.runner.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Single-token decode steps in Java ({@link VectorDecodeStep}) against PyTorch: the logits of each token
 * decoded alone after a prompt equal that token's row when prompt and tokens are prefilled at once through
 * PyTorch's path, for every text family's variant (biases, q/k norm, GQA and MHA, rope scaling, tied or not)
 * and through a LoRA adapter.
 */
class VectorDecodeStepTest {
    private static final long[] PROMPT = {1, 17, 5, 42, 8, 33, 0, 60, 12};
    private static final int STEPS = 8;
    /** The two paths sum in different orders (~1e-6); a wrong slot, position or head moves logits by far more. */
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    static Stream<Arguments> models() {
        return Stream.of(TinyDecoder.qwen2(), TinyDecoder.llama(), TinyDecoder.qwen3(), TinyDecoder.mistral(),
                TinyDecoder.smolLlama3(), TinyDecoder.linearRope()).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void eachTokenDecodedInJavaMatchesItsRowPrefilledThroughPyTorch(TinyDecoder spec) throws Exception {
        spec.write(dir.resolve("base"), SafeTensorsWriter.DType.F32, 1);
        try (Model model = Model.load(dir.resolve("base"), "cpu", 64)) {
            assertThat(model.decoder().decodesInJava()).as("float32 on a CPU with the Vector API").isTrue();
            assertDecodeMatchesPrefill(model, null);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void soDoesItThroughAnAdapter(TinyDecoder spec) throws Exception {
        spec.write(dir.resolve("base"), SafeTensorsWriter.DType.F32, 1);
        try (Model model = Model.load(dir.resolve("base"), "cpu", 64);
             Adapter adapter = Adapter.load(new TinyAdapter(TinyAdapter.decoderModules(model, "model."), 4, 8, false,
                     false, 13).write(dir.resolve("adapter"), SafeTensorsWriter.DType.F32), model)) {
            assertThat(adapter.memory()).as("its factors are read in place").isNotNull();
            assertDecodeMatchesPrefill(model, adapter);
        }
    }

    private static void assertDecodeMatchesPrefill(Model model, Adapter adapter) {
        long[] forced = new SplittableRandom(7).longs(STEPS, 0, 60).toArray();
        long[] all = LongStream.concat(Arrays.stream(PROMPT), Arrays.stream(forced)).toArray();
        try (NDManager scratch = model.manager().newSubManager();
             KvCache alone = model.decoder().newCache();
             KvCache atOnce = model.decoder().newCache();
             NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            float[] prefilled = model.forward(scratch, all, null, atOnce, adapter, true).toFloatArray();
            int vocab = prefilled.length / all.length;
            model.forward(scratch, PROMPT, null, alone, adapter, false);
            for (int k = 0; k < STEPS; k++) {
                float[] decoded = model.forward(scratch, new long[] {forced[k]}, null, alone, adapter, false)
                        .toFloatArray();
                int row = PROMPT.length + k;
                float[] expected = Arrays.copyOfRange(prefilled, row * vocab, (row + 1) * vocab);
                assertThat(Closeness.maxDifference(decoded, expected)).as("token %d", k).isLessThan(TOLERANCE);
            }
            assertThat(alone.length()).isEqualTo(all.length);
            assertThat(alone.position()).isEqualTo(all.length);
        }
    }
}
