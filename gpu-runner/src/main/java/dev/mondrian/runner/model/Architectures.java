package dev.mondrian.runner.model;

import dev.mondrian.runner.model.llama.DecoderOnly;
import dev.mondrian.runner.model.llava.Llava;
import dev.mondrian.runner.model.qwenvl.QwenVl;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/** The registry: config.json's {@code architectures} name (or its model_type) to the family that loads it. */
public final class Architectures {
    private static final List<Architecture> FAMILIES = List.of(
            new DecoderOnly(),
            new Llava(),
            new QwenVl());

    private Architectures() {}

    /** Every architecture name the engine loads, so a refusal names what would have loaded. */
    public static List<String> supported() {
        return FAMILIES.stream().flatMap(f -> f.names().stream()).sorted().toList();
    }

    static Architecture of(JsonNode root) {
        String architecture = root.path("architectures").path(0).asString("");
        String modelType = root.path("model_type").asString("");
        Stream<Architecture> matches = architecture.isEmpty()
                ? FAMILIES.stream().filter(f -> f.modelTypes().contains(modelType.isEmpty() ? "llama" : modelType))
                : FAMILIES.stream().filter(f -> f.names().contains(architecture));
        return matches.findFirst().orElseThrow(() -> new IllegalArgumentException("architecture "
                + (architecture.isEmpty() ? "of model_type '" + modelType + "'" : architecture)
                + " is not supported; supported: " + String.join(", ", supported())));
    }
}
