package dev.mondrian.runner.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Packed matrices ({@link PackedMatrix}) against float32 tensors of the same values: a BF16 folder held as stored
 * ({@link WeightFormat#STORED}) against the same folder widened at load ({@link WeightFormat#F32}), and a folder
 * quantized to INT8 at load against a float32 folder of the values its integers and scales stand for (quantized
 * here, independently). Prefill (PyTorch over the matrices widened per operation), single-token steps and batched
 * steps (the kernel reading the packed values) must give the same logits either way.
 */
class PackedWeightsTest {
    private static final long[] PROMPT = {1, 17, 5, 42, 8, 33, 0, 60, 12};
    private static final int STEPS = 5;
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    static Stream<Arguments> models() {
        return Stream.of(TinyDecoder.qwen2(), TinyDecoder.llama(), TinyDecoder.qwen3()).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void heldAsStoredItDecodesAsWidened(TinyDecoder spec) throws Exception {
        spec.write(dir, SafeTensorsWriter.DType.BF16, 1);
        try (Model stored = Model.load(dir, "cpu", 64, WeightFormat.STORED);
             Model widened = Model.load(dir, "cpu", 64, WeightFormat.F32)) {
            String matrix = "model.layers.0.mlp.up_proj.weight";
            PackedMatrix half = stored.weights().packed(matrix).orElseThrow();
            assertThat(half.values().byteSize()).as("two bytes a value").isEqualTo(2L * spec.intermediate() * spec.hidden());
            assertThat(widened.weights().packed(matrix)).as("widened at load").isEmpty();
            assertThat(stored.weights().packed("model.norm.weight")).as("norms stay float32").isEmpty();
            assertThat(stored.decoder().decodesInJava()).isTrue();
            assertThat(logits(stored)).as("prefill, single steps and a batch of three")
                    .allSatisfy(row -> assertThat(row).isNotEmpty())
                    .usingElementComparator((a, b) -> Closeness.maxDifference(a, b) < TOLERANCE ? 0 : 1)
                    .containsExactlyElementsOf(logits(widened));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void quantizedToInt8ItDecodesAsTheValuesItStandsFor(TinyDecoder spec) throws Exception {
        Path original = dir.resolve("original");
        Path dequantized = dir.resolve("dequantized");
        spec.write(original, SafeTensorsWriter.DType.F32, 1);
        spec.write(dequantized, SafeTensorsWriter.DType.F32, 1);
        SafeTensors file = SafeTensors.open(original.resolve("model.safetensors"));
        SafeTensorsWriter writer = new SafeTensorsWriter();
        for (SafeTensors.Entry entry : file.entries().values()) {
            float[] values = file.floats(entry);
            int[] shape = Arrays.stream(entry.shape()).mapToInt(d -> (int) d).toArray();
            writer.add(entry.name(), shape, TextDecoder.packs(entry.name()) ? dequantize(values, shape[1]) : values);
        }
        writer.write(dequantized.resolve("model.safetensors"), SafeTensorsWriter.DType.F32);
        try (Model int8 = Model.load(original, "cpu", 64, WeightFormat.INT8);
             Model reference = Model.load(dequantized, "cpu", 64, WeightFormat.F32)) {
            PackedMatrix matrix = int8.weights().packed("model.layers.1.self_attn.o_proj.weight").orElseThrow();
            assertThat(matrix.values().byteSize()).as("one byte a value")
                    .isEqualTo((long) spec.hidden() * spec.heads() * spec.headDim());
            assertThat(logits(int8)).usingElementComparator((a, b) -> Closeness.maxDifference(a, b) < TOLERANCE ? 0 : 1)
                    .containsExactlyElementsOf(logits(reference));
        }
    }

    /** Each row as its INT8 integers times its scale (the row's largest magnitude / 127). */
    private static float[] dequantize(float[] values, int columns) {
        float[] out = new float[values.length];
        for (int start = 0; start < values.length; start += columns) {
            float max = 0;
            for (int i = start; i < start + columns; i++) {
                max = Math.max(max, Math.abs(values[i]));
            }
            float scale = max / 127;
            for (int i = start; i < start + columns; i++) {
                out[i] = scale == 0 ? 0 : Math.round(values[i] / scale) * scale;
            }
        }
        return out;
    }

    @Test
    void anAdapterLoadsOnABaseHeldAsBf16AndTrainingRefusesIt() throws Exception {
        TinyDecoder.qwen2().write(dir.resolve("base"), SafeTensorsWriter.DType.BF16, 1);
        try (Model stored = Model.load(dir.resolve("base"), "cpu", 64, WeightFormat.STORED);
             Model widened = Model.load(dir.resolve("base"), "cpu", 64, WeightFormat.F32)) {
            Path adapterDir = new TinyAdapter(TinyAdapter.decoderModules(widened, "model."), 4, 8, false, false, 3)
                    .write(dir.resolve("adapter"), SafeTensorsWriter.DType.F32);
            try (Adapter onStored = Adapter.load(adapterDir, stored);
                 Adapter onWidened = Adapter.load(adapterDir, widened);
                 NDManager a = stored.manager().newSubManager();
                 NDManager b = widened.manager().newSubManager();
                 KvCache storedCache = stored.decoder().newCache();
                 KvCache widenedCache = widened.decoder().newCache();
                 NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                for (long[] ids : List.of(PROMPT, new long[] {7}, new long[] {9})) {
                    float[] expected = widened.forward(b, ids, null, widenedCache, onWidened, false).toFloatArray();
                    float[] actual = stored.forward(a, ids, null, storedCache, onStored, false).toFloatArray();
                    assertThat(Closeness.maxDifference(actual, expected)).isLessThan(TOLERANCE);
                }
            }
            assertThatThrownBy(() -> stored.weights().all()).hasMessageContaining("--weights f32");
            assertThatThrownBy(() -> stored.weights().get("model.layers.0.self_attn.q_proj.weight"))
                    .hasMessageContaining("held packed");
        }
    }

    /** The prompt's logits at every position, then STEPS single-token steps, then one batched step of three. */
    private static List<float[]> logits(Model model) {
        List<float[]> rows = new ArrayList<>();
        long[] forced = new SplittableRandom(3).longs(STEPS, 0, 60).toArray();
        try (NDManager scratch = model.manager().newSubManager();
             KvCache first = model.decoder().newCache();
             KvCache second = model.decoder().newCache();
             KvCache third = model.decoder().newCache();
             NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            rows.add(model.forward(scratch, PROMPT, null, first, true).toFloatArray());
            for (long token : forced) {
                rows.add(model.forward(scratch, new long[] {token}, null, first, false).toFloatArray());
            }
            model.forward(scratch, Arrays.copyOf(PROMPT, 3), null, second, false);
            model.forward(scratch, Arrays.copyOf(PROMPT, 6), null, third, false);
            rows.add(model.step(scratch, new long[] {4, 5, 6}, List.of(first, second, third),
                    Collections.nCopies(3, null)).toFloatArray());
        }
        return rows;
    }
}
