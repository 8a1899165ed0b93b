package dev.mondrian.runner.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One fixture folder that {@code bench/qwen_vl_reference.py} wrote: reference.json's fields and
 * reference.safetensors' tensors, for {@link TransformersFixtureTest} on the CPU and {@code FixtureCheck} on a GPU.
 */
public record QwenVlFixture(long[] inputIds, int[] tokenGrid, long[] generated, float[] pixels, float[] prefillLogits,
                            float[] stepLogits, int vocab, double pixelTolerance, double logitTolerance) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The fixture folders under {@code root} (those holding a reference.json), sorted; none if it is absent. */
    public static List<Path> list(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(dir -> Files.isRegularFile(dir.resolve("reference.json"))).sorted().toList();
        }
    }

    public static QwenVlFixture read(Path dir) throws IOException {
        JsonNode reference = JSON.readTree(Files.readString(dir.resolve("reference.json")));
        int merge = reference.path("spatial_merge_size").asInt(2);
        long[] patches = longs(reference, "image_grid_thw");
        int[] tokenGrid = {(int) patches[0], (int) patches[1] / merge, (int) patches[2] / merge};
        SafeTensors tensors = SafeTensors.open(dir.resolve("reference.safetensors"));
        float[] prefill = floats(tensors, "prefill_logits");
        float[] steps = floats(tensors, "step_logits");
        int vocab = (int) tensors.entries().get("prefill_logits").shape()[1];
        long[] generated = longs(reference, "generated_ids");
        if (steps.length != generated.length * vocab) {
            throw new IOException(dir + ": step_logits holds " + steps.length + " values, not "
                    + generated.length + " steps of " + vocab);
        }
        JsonNode tolerances = reference.path("tolerances");
        return new QwenVlFixture(longs(reference, "input_ids"), tokenGrid, generated, floats(tensors, "pixel_values"),
                prefill, steps, vocab, tolerances.path("pixel_values").asDouble(0.05),
                tolerances.path("logits").asDouble(1e-4));
    }

    /** The engine's logits: [seq, vocab] at the prompt's positions, then one row per greedy step. */
    public record EngineLogits(float[] prefill, List<float[]> steps) {}

    /** The folder as a {@link PreparedImage}: transformers' own pixel values and grid. */
    public PreparedImage image() {
        return new PreparedImage(pixels, tokenGrid);
    }

    /** transformers' logits [vocab] at greedy step {@code step}. */
    public float[] expectedStep(int step) {
        return Arrays.copyOfRange(stepLogits, step * vocab, (step + 1) * vocab);
    }

    /**
     * The fixture in {@code dir} through the engine on {@code device}, through its {@code adapter/} if it has one:
     * the prompt with transformers' own pixel values, then the greedy tokens one at a time through the cache, each
     * the one transformers chose (so every step sees transformers' context, whatever the engine would pick).
     */
    public EngineLogits run(Path dir, String device, int context) throws IOException {
        try (Model model = Model.load(dir.resolve("model"), device, context);
             Adapter adapter = Files.isDirectory(dir.resolve("adapter")) ? Adapter.load(dir.resolve("adapter"), model)
                     : null;
             NDManager scratch = model.manager().newSubManager();
             KvCache cache = model.decoder().newCache();
             NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            float[] prefill = model.forward(scratch, inputIds, image(), cache, adapter, true).toFloatArray();
            List<float[]> steps = new ArrayList<>();
            steps.add(Arrays.copyOfRange(prefill, prefill.length - vocab, prefill.length));
            for (int step = 0; step + 1 < generated.length; step++) {
                steps.add(model.forward(scratch, new long[] {generated[step]}, null, cache, adapter, false)
                        .toFloatArray());
            }
            return new EngineLogits(prefill, steps);
        }
    }

    private static long[] longs(JsonNode reference, String field) throws IOException {
        JsonNode array = reference.get(field);
        if (array == null || !array.isArray()) {
            throw new IOException("reference.json has no array " + field);
        }
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asLong();
        }
        return values;
    }

    /** An F32 tensor of the file, flattened. */
    private static float[] floats(SafeTensors tensors, String name) throws IOException {
        SafeTensors.Entry entry = tensors.entries().get(name);
        if (entry == null || !entry.dtype().equals("F32")) {
            throw new IOException(tensors.file() + ": no F32 tensor " + name);
        }
        return tensors.floats(entry);
    }
}
