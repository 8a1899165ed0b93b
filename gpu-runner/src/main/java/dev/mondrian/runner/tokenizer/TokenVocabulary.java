package dev.mondrian.runner.tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
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
 * <p>The vocab is read as a stream into one array of UTF-8 bytes, sorted: a 150 000-token vocab read as a JSON tree
 * into a map had the runner hold 40 MB more at its peak, and as a sorted array of strings 12 MB more (docs/BENCHMARKS.md,
 * issue 21).
 */
public final class TokenVocabulary {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The vocab's tokens in UTF-8, one after another in the order of their bytes: token i is [starts[i], starts[i + 1]). */
    private final byte[] text;
    private final int[] starts;
    /** Each sorted token's id, and each id's place among the sorted tokens (-1 where the vocab has no such id). */
    private final int[] ids;
    private final int[] placesById;
    /** Added tokens, which win over a vocab entry of the same spelling. */
    private final Map<String, Long> added;
    private final int size;

    private TokenVocabulary(Entries vocab, Map<String, Long> added) {
        Integer[] order = new Integer[vocab.count];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(vocab.text, vocab.starts[a], vocab.starts[a + 1],
                vocab.text, vocab.starts[b], vocab.starts[b + 1]));
        this.text = new byte[vocab.starts[vocab.count]];
        this.starts = new int[vocab.count + 1];
        this.ids = new int[vocab.count];
        for (int i = 0; i < vocab.count; i++) {
            int from = vocab.starts[order[i]];
            int length = vocab.starts[order[i] + 1] - from;
            System.arraycopy(vocab.text, from, text, starts[i], length);
            starts[i + 1] = starts[i] + length;
            ids[i] = vocab.ids[order[i]];
        }
        this.placesById = new int[Arrays.stream(ids).max().orElse(-1) + 1];
        Arrays.fill(placesById, -1);
        for (int i = 0; i < ids.length; i++) {
            placesById[ids[i]] = i;
        }
        this.added = Map.copyOf(added);
        long highest = Math.max(placesById.length - 1, added.values().stream().mapToLong(Long::longValue).max().orElse(-1));
        this.size = (int) (highest + 1);
    }

    /** Vocab entries as they are read: their UTF-8 one after another, and their ids. */
    private static final class Entries {
        private byte[] text = new byte[1 << 16];
        private int[] starts = new int[1 << 12];
        private int[] ids = new int[1 << 12];
        private int count;

        void add(String token, int id) {
            byte[] bytes = token.getBytes(StandardCharsets.UTF_8);
            if (count + 1 >= starts.length) {
                starts = Arrays.copyOf(starts, starts.length * 2);
                ids = Arrays.copyOf(ids, ids.length * 2);
            }
            int end = starts[count] + bytes.length;
            if (end > text.length) {
                text = Arrays.copyOf(text, Math.max(text.length * 2, end));
            }
            System.arraycopy(bytes, 0, text, starts[count], bytes.length);
            ids[count] = id;
            starts[++count] = end;
        }
    }

    public static TokenVocabulary load(Path folder) {
        Path tokenizer = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizer)) {
            throw new IllegalArgumentException(folder + " has no tokenizer.json");
        }
        Entries vocab = new Entries();
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
    private static boolean readModel(JsonParser parser, Entries vocab) {
        boolean found = false;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("vocab") && value == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    String token = parser.currentName();
                    parser.nextToken();
                    vocab.add(token, parser.getIntValue());
                }
                found = true;
            } else if (field.equals("vocab") && value == JsonToken.START_ARRAY) {
                // Unigram models list [piece, score] pairs; the id is the position.
                while (parser.nextToken() == JsonToken.START_ARRAY) {
                    parser.nextToken();
                    vocab.add(parser.getString(), vocab.count);
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
        byte[] key = token.getBytes(StandardCharsets.UTF_8);
        int low = 0;
        int high = ids.length - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            int order = Arrays.compareUnsigned(text, starts[middle], starts[middle + 1], key, 0, key.length);
            if (order == 0) {
                return OptionalLong.of(ids[middle]);
            }
            if (order < 0) {
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return OptionalLong.empty();
    }

    /** How many tokens the model's own vocab lists (its added tokens not counted unless listed there too). */
    int modelEntries() {
        return ids.length;
    }

    /** The model vocab's token of id {@code id}, as the model spells it; null where it has none. */
    String modelToken(long id) {
        if (id < 0 || id >= placesById.length || placesById[(int) id] < 0) {
            return null;
        }
        int place = placesById[(int) id];
        return new String(text, starts[place], starts[place + 1] - starts[place], StandardCharsets.UTF_8);
    }

    /** Highest id plus one: what the model's embedding must cover at least. */
    public int size() {
        return size;
    }
}
