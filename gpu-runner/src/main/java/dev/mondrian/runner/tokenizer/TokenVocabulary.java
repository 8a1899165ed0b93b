package dev.mondrian.runner.tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Token strings to ids, read from {@code tokenizer.json} (DJL's tokenizer has no such lookup):
 * the model's vocab, its added tokens, and {@code tokenizer_config.json}'s
 * {@code added_tokens_decoder}. Vocab entries are in the model's own alphabet (byte-level BPE
 * writes a space as "Ġ"), so lookups are meant for special tokens such as {@code <|im_end|>}.
 *
 * <p>The vocab is read as a stream into one sorted array: a 150 000-token vocab read as a JSON tree into a map had
 * the runner hold 40 MB more at its peak (docs/BENCHMARKS.md, issue 21).
 */
public final class TokenVocabulary {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private record Entry(String token, int id) {}

    /** The vocab's tokens in sorted order, and each one's id. */
    private final String[] tokens;
    private final int[] ids;
    /** Added tokens, which win over a vocab entry of the same spelling. */
    private final Map<String, Long> added;
    private final int size;

    private TokenVocabulary(List<Entry> vocab, Map<String, Long> added) {
        vocab.sort(Comparator.comparing(Entry::token));
        this.tokens = vocab.stream().map(Entry::token).toArray(String[]::new);
        this.ids = vocab.stream().mapToInt(Entry::id).toArray();
        this.added = Map.copyOf(added);
        long highest = Math.max(Arrays.stream(ids).max().orElse(-1),
                added.values().stream().mapToLong(Long::longValue).max().orElse(-1));
        this.size = (int) (highest + 1);
    }

    public static TokenVocabulary load(Path folder) {
        Path tokenizer = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizer)) {
            throw new IllegalArgumentException(folder + " has no tokenizer.json");
        }
        List<Entry> vocab = new ArrayList<>();
        Map<String, Long> added = new HashMap<>();
        boolean sawVocab = false;
        try (JsonParser parser = JSON.createParser(tokenizer.toFile())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException(tokenizer + " is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if (field.equals("added_tokens") && parser.currentToken() == JsonToken.START_ARRAY) {
                    readAddedTokens(parser, added);
                } else if (field.equals("model") && parser.currentToken() == JsonToken.START_OBJECT) {
                    sawVocab |= readModel(parser, vocab);
                } else {
                    parser.skipChildren();
                }
            }
            Path config = folder.resolve("tokenizer_config.json");
            if (Files.isRegularFile(config)) {
                JSON.readTree(config.toFile()).path("added_tokens_decoder").properties()
                        .forEach(entry -> added.put(entry.getValue().path("content").asString(), Long.parseLong(entry.getKey())));
            }
        } catch (JacksonException e) {
            throw new IllegalArgumentException("unreadable tokenizer JSON in " + folder + ": " + e.getOriginalMessage(), e);
        }
        if (!sawVocab) {
            throw new IllegalArgumentException(tokenizer + " has no model.vocab");
        }
        return new TokenVocabulary(vocab, added);
    }

    /** The fields of "model": its "vocab" into {@code vocab}; whether there was one. */
    private static boolean readModel(JsonParser parser, List<Entry> vocab) {
        boolean found = false;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("vocab") && value == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    String token = parser.currentName();
                    parser.nextToken();
                    vocab.add(new Entry(token, parser.getIntValue()));
                }
                found = true;
            } else if (field.equals("vocab") && value == JsonToken.START_ARRAY) {
                // Unigram models list [piece, score] pairs; the id is the position.
                while (parser.nextToken() == JsonToken.START_ARRAY) {
                    parser.nextToken();
                    vocab.add(new Entry(parser.getString(), vocab.size()));
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        parser.skipChildren(); // the score
                    }
                }
                found = true;
            } else {
                parser.skipChildren();
            }
        }
        return found;
    }

    private static void readAddedTokens(JsonParser parser, Map<String, Long> added) {
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            String content = null;
            long id = -1;
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if (field.equals("content")) {
                    content = parser.getString();
                } else if (field.equals("id")) {
                    id = parser.getLongValue();
                } else {
                    parser.skipChildren();
                }
            }
            if (content != null && id >= 0) {
                added.put(content, id);
            }
        }
    }

    public OptionalLong id(String token) {
        Long id = added.get(token);
        return id != null ? OptionalLong.of(id) : modelId(token);
    }

    /** The id of a token of the model's own vocab (not an added token), as the model spells it. */
    OptionalLong modelId(String token) {
        int at = Arrays.binarySearch(tokens, token);
        return at >= 0 ? OptionalLong.of(ids[at]) : OptionalLong.empty();
    }

    /** How many tokens the model's own vocab lists (its added tokens not counted unless listed there too). */
    int modelEntries() {
        return tokens.length;
    }

    /** The model vocab's tokens by id, null where it has none; the strings are this vocabulary's own. */
    String[] modelTokensById() {
        String[] byId = new String[Arrays.stream(ids).max().orElse(-1) + 1];
        for (int i = 0; i < tokens.length; i++) {
            byId[ids[i]] = tokens[i];
        }
        return byId;
    }

    /** Highest id plus one: what the model's embedding must cover at least. */
    public int size() {
        return size;
    }
}
