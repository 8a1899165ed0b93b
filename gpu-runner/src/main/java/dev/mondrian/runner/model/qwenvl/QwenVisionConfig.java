package dev.mondrian.runner.model.qwenvl;

import dev.mondrian.runner.model.TextConfig;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The vision tower of Qwen2-VL, Qwen2.5-VL or Qwen3-VL, from config.json's {@code vision_config}.
 *
 * @param hiddenSize the tower's width (Qwen2-VL calls it embed_dim; its hidden_size is the decoder's)
 * @param outHiddenSize the decoder's width, which the patch merger projects to
 * @param windowSize Qwen2.5-VL: the side, in pixels, of the windows most layers attend within; 0 otherwise
 * @param fullAttentionBlocks Qwen2.5-VL: the layers that attend over the whole image
 * @param positionEmbeddings Qwen3-VL: learned position embeddings (a square grid), interpolated to the image; 0 otherwise
 * @param deepstackLayers Qwen3-VL: layers whose output also goes, through a merger of its own, to the decoder's first layers
 */
public record QwenVisionConfig(Generation generation, int depth, int hiddenSize, int intermediateSize, int numHeads,
                               int outHiddenSize, int patchSize, int temporalPatchSize, int mergeSize, int inChannels,
                               String hiddenAct, int windowSize, List<Integer> fullAttentionBlocks,
                               int positionEmbeddings, List<Integer> deepstackLayers) {
    public enum Generation { QWEN2_VL, QWEN2_5_VL, QWEN3_VL }

    static QwenVisionConfig parse(JsonNode node, Generation generation) {
        int hidden;
        int intermediate;
        int out;
        if (generation == Generation.QWEN2_VL) {
            hidden = TextConfig.require(node, "embed_dim");
            intermediate = hidden * node.path("mlp_ratio").asInt(4);
            out = TextConfig.require(node, "hidden_size");
        } else {
            hidden = TextConfig.require(node, "hidden_size");
            intermediate = TextConfig.require(node, "intermediate_size");
            out = TextConfig.require(node, "out_hidden_size");
        }
        String act = node.path("hidden_act").asString(switch (generation) {
            case QWEN2_VL -> "quick_gelu";
            case QWEN2_5_VL -> "silu";
            case QWEN3_VL -> "gelu_pytorch_tanh";
        });
        if (!List.of("quick_gelu", "silu", "gelu", "gelu_pytorch_tanh").contains(act)) {
            throw new IllegalArgumentException("vision hidden_act '" + act + "' is not supported");
        }
        int heads = TextConfig.require(node, "num_heads");
        if (hidden % heads != 0 || (hidden / heads) % 4 != 0) {
            throw new IllegalArgumentException("the vision tower's head size " + hidden + "/" + heads
                    + " must be a multiple of 4 for its 2-D rotary embedding");
        }
        QwenVisionConfig config = new QwenVisionConfig(generation, TextConfig.require(node, "depth"), hidden,
                intermediate, heads, out, node.path("patch_size").asInt(generation == Generation.QWEN3_VL ? 16 : 14),
                node.path("temporal_patch_size").asInt(2), node.path("spatial_merge_size").asInt(2),
                node.path("in_channels").asInt(node.path("in_chans").asInt(3)), act,
                generation == Generation.QWEN2_5_VL ? node.path("window_size").asInt(112) : 0,
                generation == Generation.QWEN2_5_VL ? ints(node.get("fullatt_block_indexes")) : List.of(),
                generation == Generation.QWEN3_VL ? TextConfig.require(node, "num_position_embeddings") : 0,
                generation == Generation.QWEN3_VL ? ints(node.get("deepstack_visual_indexes")) : List.of());
        if (config.inChannels() != 3) {
            throw new IllegalArgumentException("the vision tower takes " + config.inChannels() + " channels; RGB (3) is supported");
        }
        int side = (int) Math.round(Math.sqrt(config.positionEmbeddings()));
        if (side * side != config.positionEmbeddings()) {
            throw new IllegalArgumentException("num_position_embeddings " + config.positionEmbeddings() + " is not a square");
        }
        return config;
    }

    /** Values of one flattened patch: channels × temporal patch × patch × patch. */
    public int patchValues() {
        return inChannels * temporalPatchSize * patchSize * patchSize;
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    private static List<Integer> ints(JsonNode node) {
        List<Integer> values = new ArrayList<>();
        if (node != null) {
            node.forEach(n -> values.add(n.asInt()));
        }
        return List.copyOf(values);
    }
}
