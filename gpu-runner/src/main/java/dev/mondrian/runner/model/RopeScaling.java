package dev.mondrian.runner.model;

import tools.jackson.databind.JsonNode;

/** {@code rope_scaling} from config.json; {@code type} "default" when the model has none. */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositions) {
    public static final RopeScaling NONE = new RopeScaling("default", 1, 1, 4, 8192);

    static RopeScaling parse(JsonNode node) {
        if (node == null || node.isNull()) {
            return NONE;
        }
        String type = node.has("rope_type") ? node.get("rope_type").asString() : node.path("type").asString("default");
        RopeScaling scaling = new RopeScaling(type, node.path("factor").asDouble(1), node.path("low_freq_factor").asDouble(1),
                node.path("high_freq_factor").asDouble(4), node.path("original_max_position_embeddings").asInt(8192));
        if (!type.equals("default") && !type.equals("linear") && !type.equals("llama3")) {
            throw new IllegalArgumentException("rope_scaling type '" + type + "' is not supported (default, linear, llama3 are)");
        }
        return scaling;
    }
}
