package dev.mondrian.runner.model;

import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One family of model folders, as transformers keeps one folder per architecture: how its
 * config.json reads, how its saved tensor names map onto the engine's, and how its image path is
 * built. A new family is a package beside {@code llava} and {@code qwenvl} plus one line in
 * {@link Architectures}.
 */
public interface Architecture {
    /** The {@code architectures} names in config.json this family reads. */
    List<String> names();

    /** {@code model_type} values it reads when config.json names no architecture. */
    default List<String> modelTypes() {
        return List.of();
    }

    /** config.json's root as this family reads it; an unsupported setting is an IllegalArgumentException. */
    ModelConfig config(JsonNode root);

    /** Saved tensor-name prefixes and the canonical ones the engine reads them under (LLaVA's and Qwen-VL's newer layouts). */
    default Map<String, String> renames() {
        return Map.of();
    }

    /** The image path of a vision-language model; asked only when {@link ModelConfig#vision()} is present. */
    default ImageEncoder images(ModelConfig config, Weights weights, DataType type, Path folder) throws IOException {
        throw new IllegalStateException(names() + " models have no image path");
    }
}
