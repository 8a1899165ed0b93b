package dev.mondrian.runner.model.llama;

import dev.mondrian.runner.model.Architecture;
import dev.mondrian.runner.model.ModelConfig;
import dev.mondrian.runner.model.TextConfig;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Text-only decoders of the Llama family and Qwen3: the whole of config.json is the {@link TextConfig}. */
public final class DecoderOnly implements Architecture {
    @Override
    public List<String> names() {
        return List.of("LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM", "Qwen3ForCausalLM");
    }

    @Override
    public List<String> modelTypes() {
        return List.of("llama", "mistral", "qwen2", "qwen3");
    }

    @Override
    public ModelConfig config(JsonNode root) {
        return ModelConfig.text(this, TextConfig.parse(root, false));
    }
}
