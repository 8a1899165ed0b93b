package dev.mondrian.runner.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** The decoder half of config.json: the Llama family (Llama, Qwen2, Mistral, SmolLM). */
public record TextConfig(String modelType, int vocabSize, int hiddenSize, int intermediateSize, int numLayers,
                         int numHeads, int numKvHeads, int headDim, double rmsNormEps, double ropeTheta,
                         RopeScaling ropeScaling, boolean tieWordEmbeddings, boolean attentionBias,
                         int maxPositions, List<Long> eosTokenIds) {
    private static final Set<String> SUPPORTED = Set.of("llama", "qwen2", "mistral");

    static TextConfig parse(JsonNode node, boolean tieDefault) {
        String type = node.path("model_type").asString("llama");
        if (!SUPPORTED.contains(type)) {
            throw new IllegalArgumentException("model_type '" + type + "' is not a supported decoder (llama, qwen2, mistral)");
        }
        String act = node.path("hidden_act").asString("silu");
        if (!act.equals("silu")) {
            throw new IllegalArgumentException("hidden_act '" + act + "' is not supported (silu is)");
        }
        int hidden = require(node, "hidden_size");
        int heads = require(node, "num_attention_heads");
        int headDim = node.hasNonNull("head_dim") ? node.get("head_dim").asInt() : hidden / heads;
        // Qwen2 always has q/k/v biases; Llama and Mistral say so with attention_bias.
        boolean bias = type.equals("qwen2") || node.path("attention_bias").asBoolean(false);
        return new TextConfig(type, require(node, "vocab_size"), hidden, require(node, "intermediate_size"),
                require(node, "num_hidden_layers"), heads, node.path("num_key_value_heads").asInt(heads), headDim,
                node.path("rms_norm_eps").asDouble(1e-6), node.path("rope_theta").asDouble(10000),
                RopeScaling.parse(node.get("rope_scaling")), node.path("tie_word_embeddings").asBoolean(tieDefault),
                bias, node.path("max_position_embeddings").asInt(4096), ids(node.get("eos_token_id")));
    }

    static List<Long> ids(JsonNode node) {
        List<Long> ids = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(n -> ids.add(n.asLong()));
        } else if (node != null && node.isNumber()) {
            ids.add(node.asLong());
        }
        return ids;
    }

    static int require(JsonNode node, String field) {
        if (!node.hasNonNull(field)) {
            throw new IllegalArgumentException("config.json lacks " + field);
        }
        return node.get(field).asInt();
    }
}
