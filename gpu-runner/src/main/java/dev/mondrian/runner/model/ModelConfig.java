package dev.mondrian.runner.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * config.json of a model folder: a plain decoder, or a LLaVA model whose {@code text_config}
 * is such a decoder and whose {@code vision_config} is its vision tower.
 */
public record ModelConfig(TextConfig text, Optional<VisionConfig> vision, long imageTokenIndex,
                          int visionFeatureLayer, boolean keepClsToken) {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> DECODERS = List.of("LlamaForCausalLM", "Qwen2ForCausalLM", "MistralForCausalLM");

    public static ModelConfig read(Path folder) throws IOException {
        Path file = folder.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new IOException(folder + " has no config.json; a model folder holds config.json, *.safetensors and tokenizer.json");
        }
        JsonNode root = JSON.readTree(file.toFile());
        String architecture = root.path("architectures").path(0).asString("");
        if (architecture.equals("LlavaForConditionalGeneration") || root.path("model_type").asString("").equals("llava")) {
            boolean tie = root.path("tie_word_embeddings").asBoolean(false);
            String strategy = root.path("vision_feature_select_strategy").asString("default");
            String act = root.path("projector_hidden_act").asString("gelu");
            if (!act.equals("gelu")) {
                throw new IllegalArgumentException("projector_hidden_act '" + act + "' is not supported (gelu is)");
            }
            return new ModelConfig(TextConfig.parse(root.path("text_config"), tie),
                    Optional.of(VisionConfig.parse(root.path("vision_config"))),
                    root.path("image_token_index").asLong(root.path("image_token_id").asLong(-1)),
                    root.path("vision_feature_layer").asInt(-2), strategy.equals("full"));
        }
        if (!architecture.isEmpty() && !DECODERS.contains(architecture)) {
            throw new IllegalArgumentException("architecture " + architecture + " is not supported; supported: "
                    + DECODERS + " and LlavaForConditionalGeneration");
        }
        return new ModelConfig(TextConfig.parse(root, false), Optional.empty(), -1, -2, false);
    }
}
