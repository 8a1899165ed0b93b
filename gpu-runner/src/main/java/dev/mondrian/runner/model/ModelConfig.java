package dev.mondrian.runner.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * config.json of a model folder as its family ({@link Architectures}) reads it: the decoder and,
 * for a vision-language model, the image token and the family's own vision settings.
 *
 * @param imageTokenId the token that marks an image's places in the prompt; -1 for text-only models
 * @param vision the family's vision-tower settings, absent for text-only models
 */
public record ModelConfig(Architecture family, TextConfig text, long imageTokenId, Optional<Object> vision) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static ModelConfig read(Path folder) throws IOException {
        Path file = folder.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new IOException(folder + " has no config.json; a model folder holds config.json, *.safetensors and tokenizer.json");
        }
        JsonNode root = JSON.readTree(file.toFile());
        return Architectures.of(root).config(root);
    }

    /** A text-only decoder's configuration. */
    public static ModelConfig text(Architecture family, TextConfig text) {
        return new ModelConfig(family, text, -1, Optional.empty());
    }

    /** The family's vision settings as the type it stored them in. */
    public <T> T vision(Class<T> type) {
        return type.cast(vision.orElseThrow(() -> new IllegalStateException("this model has no vision tower")));
    }
}
