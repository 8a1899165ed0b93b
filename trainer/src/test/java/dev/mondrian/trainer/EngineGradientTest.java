package dev.mondrian.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.mondrian.runner.model.KvCache;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.PreparedImage;
import dev.mondrian.runner.model.llava.Llava;
import dev.mondrian.runner.model.TinyModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training runs the engine's own forward pass under autograd, through the rotary tables, the KV
 * cache writes and the image splice: its gradients must be the true ones. Checked against central
 * finite differences for weights of every part, after freed memory is filled with NaN so that any
 * operation reading memory it does not own shows.
 */
class EngineGradientTest {
    private static final List<String> WEIGHTS = List.of("model.layers.0.self_attn.q_proj.weight",
            "model.layers.1.mlp.down_proj.weight", "model.layers.0.self_attn.v_proj.bias", "model.embed_tokens.weight",
            "vision_tower.vision_model.encoder.layers.0.mlp.fc1.weight",
            "vision_tower.vision_model.embeddings.patch_embedding.weight", "multi_modal_projector.linear_1.bias");

    @TempDir
    Path dir;

    @Test
    void autogradThroughTheEngineMatchesFiniteDifferences() throws Exception {
        try (Model model = Model.load(TinyModels.visionChat(dir), "cpu", 128)) {
            model.weights().all().values().forEach(w -> w.setRequiresGradient(true));
            int imageTokens = Llava.tower(model).imageTokens();
            long[] ids = new long[imageTokens + 10];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = i >= 3 && i < 3 + imageTokens ? model.config().imageTokenId() : 10 + i;
            }
            float[] pixels = new float[3 * 16 * 16];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) Math.sin(i * 0.37);
            }
            try (NDManager poison = model.manager().newSubManager()) {
                for (int size = 1; size < 1 << 20; size = size * 3 / 2 + 1) {
                    poison.ones(new Shape(size)).mul(Float.NaN);
                }
            }
            try (NDManager scratch = model.manager().newSubManager()) {
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    collector.backward(loss(model, scratch, ids, pixels));
                }
                for (String name : WEIGHTS) {
                    NDArray weight = model.weights().get(name);
                    // An element that matters: for the embedding, a row of a token in the prompt.
                    int index = name.contains("embed_tokens") ? 12 * 32 + 5 : (int) (weight.size() / 3) + 1;
                    float autograd = weight.getGradient().toFloatArray()[index];
                    float numeric = finiteDifference(model, weight, index, ids, pixels);
                    assertThat((double) autograd).as(name).isCloseTo(numeric, org.assertj.core.data.Offset.offset(
                            2e-3 + 1e-2 * Math.abs(numeric)));
                    assertThat(Math.abs(numeric)).as("%s must matter to the loss", name).isGreaterThan(1e-3f);
                }
            }
        }
    }

    private static float finiteDifference(Model model, NDArray weight, int index, long[] ids, float[] pixels) {
        float[] values = weight.toFloatArray();
        float original = values[index];
        float eps = 1e-2f;
        float[] at = new float[2];
        for (int side = 0; side < 2; side++) {
            values[index] = original + (side == 0 ? eps : -eps);
            weight.set(values);
            try (NDManager scratch = model.manager().newSubManager()) {
                at[side] = loss(model, scratch, ids, pixels).getFloat();
            }
        }
        values[index] = original;
        weight.set(values);
        return (at[0] - at[1]) / (2 * eps);
    }

    /** Any smooth function of every position's logits will do: minus the log-probability of token 7 everywhere. */
    private static NDArray loss(Model model, NDManager scratch, long[] ids, float[] pixels) {
        KvCache cache = model.decoder().newCache();
        NDArray logits = model.forward(scratch, ids, new PreparedImage(pixels, new int[] {1, 1, Llava.tower(model).imageTokens()}), cache, true);
        NDArray loss = logits.logSoftmax(-1).get(":, 7").sum().neg();
        cache.close();
        return loss;
    }
}
