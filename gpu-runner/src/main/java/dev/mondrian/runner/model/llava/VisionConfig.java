package dev.mondrian.runner.model.llava;

import dev.mondrian.runner.model.TextConfig;
import tools.jackson.databind.JsonNode;

/** The vision tower of a LLaVA-style model: a ViT of the CLIP or SigLIP kind. */
public record VisionConfig(String modelType, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
                           int imageSize, int patchSize, double layerNormEps, String hiddenAct) {
    public boolean isClip() {
        return modelType.equals("clip_vision_model");
    }

    public int patchesPerSide() {
        return imageSize / patchSize;
    }

    public static VisionConfig parse(JsonNode node) {
        String type = node.path("model_type").asString("clip_vision_model");
        if (!type.equals("clip_vision_model") && !type.equals("siglip_vision_model")) {
            throw new IllegalArgumentException("vision model_type '" + type + "' is not supported (clip_vision_model, siglip_vision_model)");
        }
        return new VisionConfig(type, TextConfig.require(node, "hidden_size"), TextConfig.require(node, "intermediate_size"),
                TextConfig.require(node, "num_hidden_layers"), TextConfig.require(node, "num_attention_heads"),
                TextConfig.require(node, "image_size"), TextConfig.require(node, "patch_size"),
                node.path("layer_norm_eps").asDouble(1e-5),
                node.path("hidden_act").asString(type.equals("clip_vision_model") ? "quick_gelu" : "gelu_pytorch_tanh"));
    }
}
