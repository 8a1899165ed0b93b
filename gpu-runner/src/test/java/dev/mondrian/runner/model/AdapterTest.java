package dev.mondrian.runner.model;

import static dev.mondrian.runner.model.Closeness.maxDifference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LoRA adapters applied at run time ({@link Adapter}) against the same adapter merged into a folder of
 * its own ({@link AdapterMerge}) and loaded as a plain model: the two must give the same logits for
 * prompts, decode steps and batched steps that mix adapters; an adapter whose B is zero must change
 * nothing; an adapter that does not fit its base must fail at load with the reason.
 */
class AdapterTest {
    /** Unmerged W·x + B·(A·x) and merged (W + B·A)·x round differently (~1e-6); a wrong factor, scale or row moves far more. */
    private static final double TOLERANCE = 1e-4;
    private static final long[] TEXT_PROMPT = {1, 17, 5, 42, 8, 33, 0, 60, 12};
    private static final long[] FORCED = {3, 14, 15, 9, 26};

    @TempDir
    Path dir;

    static Stream<Arguments> textModels() {
        // Llama here has an untied lm_head, which the adapter adapts too; Qwen2 biases q, k and v; Qwen3 norms q and k.
        return Stream.of(Arguments.of(TinyDecoder.qwen2()), Arguments.of(TinyDecoder.llama()),
                Arguments.of(TinyDecoder.qwen3()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("textModels")
    void aTextAdapterAtRunTimeEqualsTheMergedModel(TinyDecoder spec) throws Exception {
        Path base = dir.resolve("base");
        spec.write(base, SafeTensorsWriter.DType.F32, 1);
        assertRunTimeEqualsMerged(base, "model.", null, TEXT_PROMPT, SafeTensorsWriter.DType.F32, false);
    }

    /**
     * A Qwen-VL with a photo, the adapter written with the key layout of transformers 4.52+
     * ({@code model.language_model.layers...}) in BF16 and with rsLoRA's scale.
     */
    @Test
    void aVisionModelAdapterAtRunTimeEqualsTheMergedModel() throws Exception {
        TinyQwenVl spec = TinyQwenVl.qwen3Vl(true);
        Path base = dir.resolve("base");
        spec.write(base);
        long[] prompt = BatchDecodeTest.imagePrompt(spec, new long[] {1, 8, 15}, new long[] {22, 29, 36});
        assertRunTimeEqualsMerged(base, "model.language_model.", spec.image(5), prompt, SafeTensorsWriter.DType.BF16,
                true);
    }

    private void assertRunTimeEqualsMerged(Path base, String layout, PreparedImage image, long[] prompt,
                                           SafeTensorsWriter.DType dtype, boolean rslora) throws Exception {
        Path adapterDir;
        try (Model model = Model.load(base, "cpu", 64)) {
            adapterDir = new TinyAdapter(TinyAdapter.decoderModules(model, layout), 4, 8, rslora, false, 21)
                    .write(dir.resolve("adapter"), dtype);
        }
        List<String> merged = AdapterMerge.merge(base, adapterDir, dir.resolve("merged"));
        float[][] withAdapter;
        float[][] plain;
        try (Model model = Model.load(base, "cpu", 64); Adapter adapter = Adapter.load(adapterDir, model)) {
            assertThat(adapter.adapted()).isEqualTo(merged).hasSize(model.decoder().adaptable().size());
            withAdapter = decode(model, adapter, prompt, image);
            plain = decode(model, null, prompt, image);
        }
        try (Model model = Model.load(dir.resolve("merged"), "cpu", 64)) {
            float[][] expected = decode(model, null, prompt, image);
            for (int i = 0; i < expected.length; i++) {
                assertThat(maxDifference(withAdapter[i], expected[i])).as("step %d", i).isLessThan(TOLERANCE);
            }
        }
        assertThat(maxDifference(withAdapter[0], plain[0])).as("the adapter changes the model at all")
                .isGreaterThan(0.01);
    }

    @Test
    void anAdapterWhoseBIsZeroIsTheBaseModel() throws Exception {
        Path base = dir.resolve("base");
        TinyDecoder.qwen2().write(base, SafeTensorsWriter.DType.F32, 1);
        try (Model model = Model.load(base, "cpu", 64)) {
            Path adapterDir = new TinyAdapter(TinyAdapter.decoderModules(model, "model."), 8, 16, false, true, 3)
                    .write(dir.resolve("adapter"), SafeTensorsWriter.DType.F32);
            try (Adapter adapter = Adapter.load(adapterDir, model)) {
                float[][] adapted = decode(model, adapter, TEXT_PROMPT, null);
                float[][] plain = decode(model, null, TEXT_PROMPT, null);
                for (int i = 0; i < plain.length; i++) {
                    assertThat(adapted[i]).as("step %d", i).isEqualTo(plain[i]);
                }
            }
        }
    }

    /**
     * Rows of one batched step through two different adapters and none, each as it decodes alone: a batch of four
     * (decoded in Java) and one of more rows than {@link VectorDecodeStep#MAX_ROWS} (through PyTorch); and a batch
     * whose rows all share one adapter (a group of every row, which the Java step takes without gathering them).
     */
    @ParameterizedTest(name = "{0} times four rows, one adapter for all: {1}")
    @CsvSource({"1, false", VectorDecodeStep.MAX_ROWS / 4 + 1 + ", false", "1, true"})
    void aBatchedStepMixesAdaptersRowByRow(int copies, boolean shared) throws Exception {
        Path base = dir.resolve("base");
        TinyDecoder.qwen2().write(base, SafeTensorsWriter.DType.F32, 1);
        try (Model model = Model.load(base, "cpu", 64);
             NDManager scratch = model.manager().newSubManager()) {
            Map<String, int[]> modules = TinyAdapter.decoderModules(model, "model.");
            try (Adapter first = Adapter.load(new TinyAdapter(modules, 4, 8, false, false, 1)
                         .write(dir.resolve("first"), SafeTensorsWriter.DType.F32), model);
                 Adapter second = Adapter.load(new TinyAdapter(modules, 2, 32, true, false, 2)
                         .write(dir.resolve("second"), SafeTensorsWriter.DType.F32), model)) {
                List<Adapter> four = shared ? List.of(first, first, first, first)
                        : Arrays.asList(first, null, second, first);
                List<long[]> fourPrompts = List.of(TEXT_PROMPT, new long[] {9, 4}, new long[] {3, 14, 15, 9, 26, 53},
                        new long[] {7, 7});
                List<float[][]> fourAlone = new ArrayList<>();
                for (int b = 0; b < four.size(); b++) {
                    fourAlone.add(decode(model, four.get(b), fourPrompts.get(b), null));
                }
                List<Adapter> rows = new ArrayList<>();
                List<long[]> prompts = new ArrayList<>();
                List<float[][]> alone = new ArrayList<>();
                for (int c = 0; c < copies; c++) {
                    rows.addAll(four);
                    prompts.addAll(fourPrompts);
                    alone.addAll(fourAlone);
                }
                List<KvCache> caches = new ArrayList<>();
                try {
                    for (long[] prompt : prompts) {
                        KvCache cache = model.decoder().newCache();
                        caches.add(cache);
                        try (NDScope scope = new NDScope()) {
                            scope.suppressNotUsedWarning();
                            model.forward(scratch, prompt, null, cache, rows.get(caches.size() - 1), false);
                        }
                    }
                    for (int step = 0; step < FORCED.length; step++) {
                        long[] tokens = new long[rows.size()];
                        Arrays.fill(tokens, FORCED[step]);
                        float[] logits;
                        try (NDScope scope = new NDScope()) {
                            scope.suppressNotUsedWarning();
                            logits = model.step(scratch, tokens, caches, rows).toFloatArray();
                        }
                        int vocab = logits.length / rows.size();
                        for (int b = 0; b < rows.size(); b++) {
                            float[] row = Arrays.copyOfRange(logits, b * vocab, (b + 1) * vocab);
                            assertThat(maxDifference(row, alone.get(b)[step + 1])).as("row %d at step %d", b, step)
                                    .isLessThan(TOLERANCE);
                        }
                    }
                } finally {
                    caches.forEach(KvCache::close);
                }
            }
        }
    }

    @Test
    void anAdapterThatDoesNotFitIsRefusedAtLoadWithTheReason() throws Exception {
        TinyQwenVl spec = TinyQwenVl.qwen2Vl(false);
        Path base = dir.resolve("base");
        spec.write(base);
        try (Model model = Model.load(base, "cpu", 64)) {
            Map<String, int[]> fits = TinyAdapter.decoderModules(model, "model.");
            String q = "model.layers.0.self_attn.q_proj";
            int[] qShape = fits.get(q);

            Map<String, int[]> wrongShape = new LinkedHashMap<>(fits);
            wrongShape.put(q, new int[] {qShape[0], qShape[1] + 1});
            assertLoadFails(model, wrongShape, "does not fit this model at " + q, "do not fit its weight");

            Map<String, int[]> missing = new LinkedHashMap<>(fits);
            missing.put("model.layers.99.self_attn.q_proj", qShape);
            assertLoadFails(model, missing, "model.layers.99.self_attn.q_proj", "has no weight");

            long[] qkv = model.weights().get("visual.blocks.0.attn.qkv.weight").getShape().getShape();
            Map<String, int[]> tower = new LinkedHashMap<>(fits);
            tower.put("visual.blocks.0.attn.qkv", new int[] {(int) qkv[0], (int) qkv[1]});
            assertLoadFails(model, tower, "visual.blocks.0.attn.qkv", "merge-adapter");
        }
        Path dora = new TinyAdapter(Map.of("model.layers.0.self_attn.q_proj", new int[] {4, 4}), 2, 4, false, false, 1)
                .write(dir.resolve("dora"), SafeTensorsWriter.DType.F32);
        Files.writeString(dora.resolve("adapter_config.json"),
                Files.readString(dora.resolve("adapter_config.json")).replace("\"use_dora\": false", "\"use_dora\": true"));
        assertThatThrownBy(() -> AdapterConfig.read(dora)).hasMessageContaining("DoRA");
        Path pickle = Files.createDirectories(dir.resolve("pickle"));
        Files.copy(dora.resolve("adapter_config.json"), pickle.resolve("adapter_config.json"));
        Files.write(pickle.resolve("adapter_model.bin"), new byte[] {1});
        assertThatThrownBy(() -> Adapter.readPairs(pickle, new LinkedHashMap<>(), new LinkedHashMap<>()))
                .hasMessageContaining("safe_serialization=True");
    }

    /** Merging works on any module, the vision tower's too: W' = W + (alpha/r)·B·A, the rest unchanged. */
    @Test
    void mergingAddsTheScaledProductToEachAdaptedWeightOnly() throws Exception {
        TinyQwenVl spec = TinyQwenVl.qwen2Vl(false);
        Path base = dir.resolve("base");
        Map<String, float[]> stored = spec.write(base);
        String qkv = "visual.blocks.0.attn.qkv";
        int[] shape;
        try (Model model = Model.load(base, "cpu", 64)) {
            long[] s = model.weights().get(qkv + ".weight").getShape().getShape();
            shape = new int[] {(int) s[0], (int) s[1]};
        }
        Path adapterDir = new TinyAdapter(Map.of(qkv, shape), 2, 6, false, false, 9)
                .write(dir.resolve("adapter"), SafeTensorsWriter.DType.F32);
        assertThat(AdapterMerge.merge(base, adapterDir, dir.resolve("merged"))).containsExactly(qkv + ".weight");
        SafeTensors adapterFile = SafeTensors.open(adapterDir.resolve("adapter_model.safetensors"));
        float[] a = adapterFile.floats(adapterFile.entries().get(Adapter.PREFIX + qkv + ".lora_A.weight"));
        float[] b = adapterFile.floats(adapterFile.entries().get(Adapter.PREFIX + qkv + ".lora_B.weight"));
        SafeTensors merged = SafeTensors.open(dir.resolve("merged/model.safetensors"));
        float[] original = stored.get(qkv + ".weight");
        float[] actual = merged.floats(merged.entries().get(qkv + ".weight"));
        double[] expected = new double[original.length];
        for (int o = 0; o < shape[0]; o++) {
            for (int i = 0; i < shape[1]; i++) {
                double sum = 0;
                for (int k = 0; k < 2; k++) {
                    sum += (double) b[o * 2 + k] * a[k * shape[1] + i];
                }
                expected[o * shape[1] + i] = original[o * shape[1] + i] + 6.0 / 2 * sum;
            }
        }
        assertThat(maxDifference(actual, expected)).isLessThan(1e-5);
        for (Map.Entry<String, float[]> tensor : stored.entrySet()) {
            if (!tensor.getKey().equals(qkv + ".weight")) {
                assertThat(merged.floats(merged.entries().get(tensor.getKey()))).as(tensor.getKey())
                        .isEqualTo(tensor.getValue());
            }
        }
        assertThat(Files.readString(dir.resolve("merged/config.json"))).isEqualTo(Files.readString(base.resolve("config.json")));
        assertThatThrownBy(() -> AdapterMerge.merge(base, adapterDir, dir.resolve("merged")))
                .hasMessageContaining("not empty");
    }

    private void assertLoadFails(Model model, Map<String, int[]> modules, String... message) throws IOException {
        Path folder = dir.resolve("misfit-" + Math.abs(modules.hashCode()));
        new TinyAdapter(modules, 2, 4, false, false, 5).write(folder, SafeTensorsWriter.DType.F32);
        var failure = assertThatThrownBy(() -> Adapter.load(folder, model)).isInstanceOf(IllegalArgumentException.class);
        for (String part : message) {
            failure.hasMessageContaining(part);
        }
    }

    /** Logits after the prompt, then after each forced token: {@code FORCED.length + 1} rows. */
    private static float[][] decode(Model model, Adapter adapter, long[] prompt, PreparedImage image) {
        float[][] logits = new float[FORCED.length + 1][];
        try (NDManager scratch = model.manager().newSubManager(); KvCache cache = model.decoder().newCache()) {
            for (int i = 0; i < logits.length; i++) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    logits[i] = i == 0 ? model.forward(scratch, prompt, image, cache, adapter, false).toFloatArray()
                            : model.forward(scratch, new long[] {FORCED[i - 1]}, null, cache, adapter, false)
                                    .toFloatArray();
                }
            }
        }
        return logits;
    }
}
