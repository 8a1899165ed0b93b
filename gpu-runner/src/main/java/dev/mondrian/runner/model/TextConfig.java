package dev.mondrian.runner.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The decoder half of config.json: the Llama family (Llama, Qwen2, Mistral, SmolLM), Qwen3 (per-head
 * RMSNorm on q and k) and the decoders of Qwen2-VL, Qwen2.5-VL and Qwen3-VL (multimodal RoPE).
 *
 * @param qkNorm Qwen3's RMSNorm over each head of q and k, before the rotation
 * @param attentionBias biases on q, k and v (and on o, for Llama's {@code attention_bias})
 * @param outputBias whether o_proj has a bias too
 */
public record TextConfig(String modelType, int vocabSize, int hiddenSize, int intermediateSize, int numLayers,
                         int numHeads, int numKvHeads, int headDim, double rmsNormEps, double ropeTheta,
                         RopeScaling ropeScaling, boolean tieWordEmbeddings, boolean attentionBias, boolean outputBias,
                         boolean qkNorm, int maxPositions, List<Long> eosTokenIds) {
    /** model_type → whether it has Qwen3's q/k norm; every decoder here is SwiGLU over RMSNorm. */
    private static final Map<String, Boolean> SUPPORTED = Map.of("llama", false, "qwen2", false, "mistral", false,
            "qwen3", true, "qwen2_vl", false, "qwen2_vl_text", false, "qwen2_5_vl", false, "qwen2_5_vl_text", false,
            "qwen3_vl_text", true);

    /** @param tieDefault tie_word_embeddings when the text part does not say (a vision model's top level may) */
    public static TextConfig parse(JsonNode node, boolean tieDefault) {
        String type = node.path("model_type").asString("llama");
        if (!SUPPORTED.containsKey(type)) {
            throw new IllegalArgumentException("model_type '" + type + "' is not a supported decoder "
                    + SUPPORTED.keySet().stream().sorted().toList());
        }
        String act = node.path("hidden_act").asString("silu");
        if (!act.equals("silu")) {
            throw new IllegalArgumentException("hidden_act '" + act + "' is not supported (silu is)");
        }
        int hidden = require(node, "hidden_size");
        int heads = require(node, "num_attention_heads");
        int headDim = node.hasNonNull("head_dim") ? node.get("head_dim").asInt() : hidden / heads;
        // Qwen2 and its vision variants always have q/k/v biases and none on o; the others say so with
        // attention_bias, which covers o_proj too.
        boolean qwen2Style = type.startsWith("qwen2");
        boolean bias = qwen2Style || node.path("attention_bias").asBoolean(false);
        // transformers 5 moved rope_theta and rope_scaling into rope_parameters; 4.x folders have the old pair.
        JsonNode rope = node.hasNonNull("rope_parameters") ? node.get("rope_parameters") : node.get("rope_scaling");
        double theta = node.hasNonNull("rope_theta") ? node.get("rope_theta").asDouble()
                : rope != null ? rope.path("rope_theta").asDouble(10000) : 10000;
        return new TextConfig(type, require(node, "vocab_size"), hidden, require(node, "intermediate_size"),
                require(node, "num_hidden_layers"), heads, node.path("num_key_value_heads").asInt(heads), headDim,
                node.path("rms_norm_eps").asDouble(1e-6), theta,
                // transformers' Qwen3-VL interleaves its sections whatever the config says.
                RopeScaling.parse(rope, headDim, type.equals("qwen3_vl_text")),
                node.path("tie_word_embeddings").asBoolean(tieDefault), bias, bias && !qwen2Style, SUPPORTED.get(type),
                node.path("max_position_embeddings").asInt(4096), ids(node.get("eos_token_id")));
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

    public static int require(JsonNode node, String field) {
        if (!node.hasNonNull(field)) {
            throw new IllegalArgumentException("config.json lacks " + field);
        }
        return node.get(field).asInt();
    }
}
