package dev.mondrian.runner.model.llava;

import ai.djl.ndarray.types.DataType;
import dev.mondrian.runner.model.Architecture;
import dev.mondrian.runner.model.ImageEncoder;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.ModelConfig;
import dev.mondrian.runner.model.TextConfig;
import dev.mondrian.runner.model.Weights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** LLaVA-1.5-style models: a CLIP or SigLIP ViT, a two-layer GELU projector, a Llama-family decoder. */
public final class Llava implements Architecture {
    @Override
    public List<String> names() {
        return List.of("LlavaForConditionalGeneration");
    }

    @Override
    public List<String> modelTypes() {
        return List.of("llava");
    }

    @Override
    public ModelConfig config(JsonNode root) {
        String act = root.path("projector_hidden_act").asString("gelu");
        if (!act.equals("gelu")) {
            throw new IllegalArgumentException("projector_hidden_act '" + act + "' is not supported (gelu is)");
        }
        boolean tie = root.path("tie_word_embeddings").asBoolean(false);
        String strategy = root.path("vision_feature_select_strategy").asString("default");
        LlavaConfig vision = new LlavaConfig(VisionConfig.parse(root.path("vision_config")),
                root.path("vision_feature_layer").asInt(-2), strategy.equals("full"));
        return new ModelConfig(this, TextConfig.parse(root.path("text_config"), tie),
                root.path("image_token_index").asLong(root.path("image_token_id").asLong(-1)), Optional.of(vision));
    }

    /** llava-hf's layout and the one newer transformers saves, both onto the names the engine reads. */
    @Override
    public Map<String, String> renames() {
        return Map.of("model.language_model.", "model.", "language_model.model.", "model.",
                "language_model.lm_head.", "lm_head.", "model.vision_tower.", "vision_tower.",
                "model.multi_modal_projector.", "multi_modal_projector.");
    }

    @Override
    public ImageEncoder images(ModelConfig config, Weights weights, DataType type, Path folder) throws IOException {
        LlavaConfig vision = config.vision(LlavaConfig.class);
        return new VisionTower(vision, weights, type, ImagePreprocessor.read(folder, vision.tower().imageSize()));
    }

    /** The LLaVA tower of a loaded model: training and evaluation work on LLaVA models only. */
    public static VisionTower tower(Model model) {
        if (model.images().orElse(null) instanceof VisionTower tower) {
            return tower;
        }
        throw new IllegalArgumentException("training and evaluation need a LLaVA-style model (the shipped one is); this one is "
                + model.config().family().names());
    }
}
