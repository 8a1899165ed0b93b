package dev.mondrian.runner.model;

import java.util.Arrays;
import tools.jackson.databind.JsonNode;

/**
 * {@code rope_scaling} (transformers 4) or {@code rope_parameters} (transformers 5) from config.json;
 * {@code type} "default" when the model has none.
 *
 * @param mropeSection for multimodal RoPE (Qwen2-VL and later): how many of the head's frequency pairs
 *                     follow the temporal, height and width position; null for plain RoPE
 * @param mropeInterleaved Qwen3-VL's layout (frequencies taken t, h, w in turn) rather than Qwen2-VL's
 *                         three contiguous blocks
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositions, int[] mropeSection, boolean mropeInterleaved) {
    public static final RopeScaling NONE = new RopeScaling("default", 1, 1, 4, 8192, null, false);

    static RopeScaling parse(JsonNode node, int headDim, boolean interleaved) {
        if (node == null || node.isNull()) {
            return NONE;
        }
        String type = node.has("rope_type") ? node.get("rope_type").asString() : node.path("type").asString("default");
        // Qwen2-VL's 4.x configs say "type": "mrope"; it is the default frequencies with sections.
        if (type.equals("mrope")) {
            type = "default";
        }
        if (!type.equals("default") && !type.equals("linear") && !type.equals("llama3")) {
            throw new IllegalArgumentException("rope_scaling type '" + type + "' is not supported (default, linear, llama3 are)");
        }
        int[] section = null;
        if (node.hasNonNull("mrope_section")) {
            section = new int[node.get("mrope_section").size()];
            for (int i = 0; i < section.length; i++) {
                section[i] = node.get("mrope_section").get(i).asInt();
            }
            if (section.length != 3 || Arrays.stream(section).sum() != headDim / 2) {
                throw new IllegalArgumentException("mrope_section " + Arrays.toString(section)
                        + " must be three numbers adding up to head_dim/2 = " + headDim / 2);
            }
        }
        return new RopeScaling(type, node.path("factor").asDouble(1), node.path("low_freq_factor").asDouble(1),
                node.path("high_freq_factor").asDouble(4), node.path("original_max_position_embeddings").asInt(8192),
                section, interleaved || node.path("mrope_interleaved").asBoolean(false));
    }

    /** Whether positions are three-dimensional (temporal, height, width). */
    public boolean multimodal() {
        return mropeSection != null;
    }

    /**
     * The position axis (0 temporal, 1 height, 2 width) that frequency pair {@code i} rotates by.
     * Qwen2-VL: the first section[0] pairs follow t, the next section[1] h, the rest w. Qwen3-VL
     * interleaves them: pair i follows h when i % 3 == 1 and i < 3·section[1], w when i % 3 == 2
     * and i < 3·section[2], else t.
     */
    public int axisOf(int i) {
        if (mropeInterleaved) {
            if (i % 3 == 1 && i < 3 * mropeSection[1]) {
                return 1;
            }
            return i % 3 == 2 && i < 3 * mropeSection[2] ? 2 : 0;
        }
        return i < mropeSection[0] ? 0 : i < mropeSection[0] + mropeSection[1] ? 1 : 2;
    }
}
