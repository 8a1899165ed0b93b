package dev.mondrian.runner.model.qwenvl;

import ai.djl.ndarray.types.DataType;
import dev.mondrian.runner.model.Architecture;
import dev.mondrian.runner.model.ImageEncoder;
import dev.mondrian.runner.model.ModelConfig;
import dev.mondrian.runner.model.TextConfig;
import dev.mondrian.runner.model.Weights;
import dev.mondrian.runner.model.qwenvl.QwenVisionConfig.Generation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Qwen2-VL, Qwen2.5-VL and Qwen3-VL: a ViT over 14- or 16-pixel patches at the image's own size,
 * merged 2×2 into the decoder's width, and a Qwen2 or Qwen3 decoder with multimodal RoPE.
 */
public final class QwenVl implements Architecture {
    private static final Map<String, Generation> GENERATIONS = Map.of(
            "Qwen2VLForConditionalGeneration", Generation.QWEN2_VL,
            "Qwen2_5_VLForConditionalGeneration", Generation.QWEN2_5_VL,
            "Qwen3VLForConditionalGeneration", Generation.QWEN3_VL);
    private static final Map<String, Generation> MODEL_TYPES = Map.of("qwen2_vl", Generation.QWEN2_VL,
            "qwen2_5_vl", Generation.QWEN2_5_VL, "qwen3_vl", Generation.QWEN3_VL);

    @Override
    public List<String> names() {
        return List.copyOf(GENERATIONS.keySet());
    }

    @Override
    public List<String> modelTypes() {
        return List.copyOf(MODEL_TYPES.keySet());
    }

    @Override
    public ModelConfig config(JsonNode root) {
        String architecture = root.path("architectures").path(0).asString("");
        Generation generation = architecture.isEmpty() ? MODEL_TYPES.get(root.path("model_type").asString(""))
                : GENERATIONS.get(architecture);
        // transformers 4.x wrote Qwen2-VL's and Qwen2.5-VL's decoder settings at the top level; later
        // versions (and every Qwen3-VL) nest them in text_config.
        JsonNode text = root.hasNonNull("text_config") ? root.get("text_config") : root;
        TextConfig decoder = TextConfig.parse(text, root.path("tie_word_embeddings").asBoolean(false));
        if (!decoder.ropeScaling().multimodal()) {
            throw new IllegalArgumentException(architecture + " needs mrope_section in rope_scaling (or rope_parameters)");
        }
        long imageToken = root.path("image_token_id").asLong(text.path("image_token_id").asLong(-1));
        if (imageToken < 0) {
            throw new IllegalArgumentException("config.json lacks image_token_id");
        }
        return new ModelConfig(this, decoder, imageToken,
                Optional.of(QwenVisionConfig.parse(root.path("vision_config"), generation)));
    }

    /** Checkpoints saved by transformers 4.52 and later nest both halves under model. */
    @Override
    public Map<String, String> renames() {
        return Map.of("model.language_model.", "model.", "model.visual.", "visual.");
    }

    @Override
    public ImageEncoder images(ModelConfig config, Weights weights, DataType type, Path folder) throws IOException {
        QwenVisionConfig vision = config.vision(QwenVisionConfig.class);
        return new QwenVisionTower(vision, weights, type, QwenImageProcessor.read(folder, vision));
    }
}
