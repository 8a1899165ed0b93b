package dev.mondrian.runner.tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Token strings to ids, read from {@code tokenizer.json} (DJL's tokenizer has no such lookup):
 * the model's vocab, its added tokens, and {@code tokenizer_config.json}'s
 * {@code added_tokens_decoder}. Vocab entries are in the model's own alphabet (byte-level BPE
 * writes a space as "Ġ"), so lookups are meant for special tokens such as {@code <|im_end|>}.
 */
public final class TokenVocabulary {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, Long> ids;
    private final int size;

    private TokenVocabulary(Map<String, Long> ids) {
        this.ids = Map.copyOf(ids);
        this.size = (int) (ids.values().stream().mapToLong(Long::longValue).max().orElse(-1) + 1);
    }

    public static TokenVocabulary load(Path folder) {
        Path tokenizer = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizer)) {
            throw new IllegalArgumentException(folder + " has no tokenizer.json");
        }
        try {
            Map<String, Long> ids = new HashMap<>();
            JsonNode root = JSON.readTree(tokenizer.toFile());
            JsonNode vocab = root.path("model").path("vocab");
            if (vocab.isObject()) {
                vocab.properties().forEach(entry -> ids.put(entry.getKey(), entry.getValue().asLong()));
            } else if (vocab.isArray()) {
                // Unigram models list [piece, score] pairs; the id is the position.
                for (int id = 0; id < vocab.size(); id++) {
                    ids.put(vocab.get(id).get(0).asString(), (long) id);
                }
            } else {
                throw new IllegalArgumentException(tokenizer + " has no model.vocab");
            }
            for (JsonNode added : root.path("added_tokens")) {
                ids.put(added.path("content").asString(), added.path("id").asLong());
            }
            Path config = folder.resolve("tokenizer_config.json");
            if (Files.isRegularFile(config)) {
                JSON.readTree(config.toFile()).path("added_tokens_decoder").properties()
                        .forEach(entry -> ids.put(entry.getValue().path("content").asString(), Long.parseLong(entry.getKey())));
            }
            return new TokenVocabulary(ids);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("unreadable tokenizer JSON in " + folder + ": " + e.getOriginalMessage(), e);
        }
    }

    public OptionalLong id(String token) {
        Long id = ids.get(token);
        return id == null ? OptionalLong.empty() : OptionalLong.of(id);
    }

    /** Highest id plus one: what the model's embedding must cover at least. */
    public int size() {
        return size;
    }
}
