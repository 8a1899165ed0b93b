package dev.mondrian.runner.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Byte-level BPE in Java, as the Hugging Face tokenizers library runs the {@code tokenizer.json} of GPT-2, Qwen2 and
 * Qwen3 (their vision-language models too), Llama 3 and SmolLM: added tokens matched in the raw text (the longest
 * where several start at one place), NFC or no normalizer, GPT-2's pieces or a {@code Split} pattern in isolation,
 * each piece's UTF-8 bytes merged by rank. {@link #load} takes a file only when it asks for nothing else, and
 * {@link ModelTokenizer} hands any other to {@link NativeCodec}. Why not the library for these too: on a 150 000-token
 * vocabulary it holds about 54 MB, where this holds the merge table (8 MB) beside the {@link TokenVocabulary} the
 * runner keeps anyway (docs/BENCHMARKS.md, issue 21). Tests hold it to the library's output.
 */
final class ByteLevelCodec implements TextCodec {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Pattern addedTokens;
    private final Map<String, Long> addedIds;
    private final Map<Long, String> addedById;
    private final boolean nfc;
    /** What cuts text into pieces: the ByteLevel pre-tokenizer's own regex (GPT-2's), or a Split's pattern. */
    private final Pattern pieces;
    private final boolean ignoreMerges;
    private final TokenVocabulary vocabulary;
    private final int[] byteIds;
    private final MergeTable merges;

    private ByteLevelCodec(List<AddedToken> added, boolean nfc, Pattern pieces, boolean ignoreMerges,
                           TokenVocabulary vocabulary, int[] byteIds, MergeTable merges) {
        this.addedTokens = ByteLevelPreTokenizer.anyOf(added.stream().map(AddedToken::content).toList());
        this.addedIds = new HashMap<>();
        this.addedById = new HashMap<>();
        for (AddedToken token : added) {
            addedIds.put(token.content(), token.id());
            addedById.putIfAbsent(token.id(), token.content());
        }
        this.nfc = nfc;
        this.pieces = pieces;
        this.ignoreMerges = ignoreMerges;
        this.vocabulary = vocabulary;
        this.byteIds = byteIds;
        this.merges = merges;
    }

    private record AddedToken(String content, long id, boolean normalized) {}

    /** The codec of {@code file}, or empty when it asks for something this does not do (the reason is not kept). */
    static Optional<ByteLevelCodec> load(Path file, TokenVocabulary vocabulary) {
        JsonNode normalizer = null;
        JsonNode preTokenizer = null;
        JsonNode decoder = null;
        JsonNode added = null;
        Model model = null;
        try (JsonParser parser = JSON.createParser(file.toFile())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "normalizer" -> normalizer = parser.readValueAsTree();
                    case "pre_tokenizer" -> preTokenizer = parser.readValueAsTree();
                    case "decoder" -> decoder = parser.readValueAsTree();
                    case "added_tokens" -> added = parser.readValueAsTree();
                    case "model" -> model = readModel(parser, vocabulary);
                    default -> parser.skipChildren();
                }
            }
        } catch (JacksonException e) {
            return Optional.empty();
        }
        if (model == null || model.merges() == null || !isType(decoder, "ByteLevel")) {
            return Optional.empty();
        }
        boolean nfc = isType(normalizer, "NFC");
        if (!isNull(normalizer) && !nfc) {
            return Optional.empty();
        }
        List<AddedToken> addedTokens = addedTokens(added);
        if (addedTokens == null || !addedTokensMatchRawText(addedTokens, nfc)
                || !idsAsTheLibraryGivesThem(addedTokens, vocabulary)) {
            return Optional.empty();
        }
        int[] byteIds = new int[256];
        for (int b = 0; b < 256; b++) {
            OptionalLong id = vocabulary.modelId(ByteLevelAlphabet.symbol(b));
            if (id.isEmpty()) {
                return Optional.empty();
            }
            byteIds[b] = (int) id.getAsLong();
        }
        Pattern pieces = isByteLevel(preTokenizer, true) ? ByteLevelPreTokenizer.GPT2_PIECES : isolatedSplit(preTokenizer);
        return pieces == null ? Optional.empty() : Optional.of(new ByteLevelCodec(addedTokens, nfc, pieces,
                model.ignoreMerges(), vocabulary, byteIds, model.merges()));
    }

    /** What the "model" object says: its merges (null when it has none, or asks for more than plain BPE). */
    private record Model(MergeTable merges, boolean ignoreMerges) {}

    private static Model readModel(JsonParser parser, TokenVocabulary vocabulary) {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return null;
        }
        MergeTable merges = null;
        boolean plain = true;
        boolean ignoreMerges = false;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "merges" -> merges = readMerges(parser, vocabulary);
                case "type" -> plain &= value == JsonToken.VALUE_STRING && parser.getString().equals("BPE");
                case "ignore_merges" -> ignoreMerges = value == JsonToken.VALUE_TRUE;
                case "byte_fallback" -> plain &= value != JsonToken.VALUE_TRUE;
                case "dropout" -> plain &= value == JsonToken.VALUE_NULL;
                case "continuing_subword_prefix", "end_of_word_suffix" ->
                        plain &= value == JsonToken.VALUE_NULL || parser.getString().isEmpty();
                default -> parser.skipChildren(); // the vocab (TokenVocabulary's), unk_token, fuse_unk
            }
        }
        return new Model(plain ? merges : null, ignoreMerges);
    }

    /** The merges, "left right" strings or [left, right] pairs, by id; null when one joins tokens the vocab lacks. */
    private static MergeTable readMerges(JsonParser parser, TokenVocabulary vocabulary) {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return null;
        }
        MergeTable table = new MergeTable(1 << 16);
        boolean resolved = true;
        int rank = 0;
        for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
            String left;
            String right;
            if (item == JsonToken.VALUE_STRING) {
                String[] parts = parser.getString().split(" ", -1);
                left = parts.length == 2 ? parts[0] : null;
                right = parts.length == 2 ? parts[1] : null;
            } else if (item == JsonToken.START_ARRAY) {
                left = parser.nextToken() == JsonToken.VALUE_STRING ? parser.getString() : null;
                right = parser.nextToken() == JsonToken.VALUE_STRING ? parser.getString() : null;
                if (right == null || parser.nextToken() != JsonToken.END_ARRAY) {
                    return null;
                }
            } else {
                return null;
            }
            OptionalLong a = left == null ? OptionalLong.empty() : vocabulary.modelId(left);
            OptionalLong b = right == null ? OptionalLong.empty() : vocabulary.modelId(right);
            OptionalLong joined = left == null ? OptionalLong.empty() : vocabulary.modelId(left + right);
            if (a.isEmpty() || b.isEmpty() || joined.isEmpty()) {
                resolved = false; // the library refuses such a file; NativeCodec reports it
            } else {
                table.put((int) a.getAsLong(), (int) b.getAsLong(), rank, (int) joined.getAsLong());
            }
            rank++;
        }
        return resolved ? table : null;
    }

    /** The added tokens; null when one has a flag this does not follow (lstrip, rstrip, single_word). */
    private static List<AddedToken> addedTokens(JsonNode added) {
        if (isNull(added)) {
            return List.of();
        }
        if (!added.isArray()) {
            return null;
        }
        List<AddedToken> tokens = new ArrayList<>();
        for (JsonNode token : added) {
            if (token.path("lstrip").asBoolean(false) || token.path("rstrip").asBoolean(false)
                    || token.path("single_word").asBoolean(false) || !token.path("content").isString()
                    || token.path("content").asString().isEmpty() || !token.path("id").canConvertToLong()) {
                return null;
            }
            tokens.add(new AddedToken(token.path("content").asString(), token.path("id").asLong(),
                    token.path("normalized").asBoolean(true)));
        }
        return tokens;
    }

    /**
     * Whether the library finds every added token in one pass over the raw text: it looks for those it does not
     * normalize first, then for the others in the normalized rest, so all must be of one kind, and of the first
     * where there is a normalizer.
     */
    private static boolean addedTokensMatchRawText(List<AddedToken> tokens, boolean nfc) {
        long normalized = tokens.stream().filter(AddedToken::normalized).count();
        return normalized == 0 || (!nfc && normalized == tokens.size());
    }

    /**
     * Whether each added token's id in the file is the one the library gives it on loading: a model vocab token's
     * own id, else the next after the added tokens before it, from the vocab's size on. It ignores the file's ids
     * (and warns) where they differ, as in a file edited by hand.
     */
    private static boolean idsAsTheLibraryGivesThem(List<AddedToken> tokens, TokenVocabulary vocabulary) {
        Map<String, Long> given = new HashMap<>();
        long vocabSize = vocabulary.modelEntries();
        long highest = -1;
        for (AddedToken token : tokens) {
            Long id = given.get(token.content());
            if (id == null) {
                OptionalLong own = vocabulary.modelId(token.content());
                id = own.isPresent() ? own.getAsLong()
                        : given.isEmpty() || (highest < vocabSize && vocabSize > 0) ? vocabSize : highest + 1;
                given.put(token.content(), id);
                highest = Math.max(highest, id);
            }
            if (id != token.id()) {
                return false;
            }
        }
        return true;
    }

    /** A ByteLevel pre-tokenizer with no prefix space, and with or without its own regex. */
    private static boolean isByteLevel(JsonNode node, boolean regex) {
        return isType(node, "ByteLevel") && !node.path("add_prefix_space").asBoolean(false)
                && node.path("use_regex").asBoolean(true) == regex;
    }

    /**
     * Qwen2's and Llama 3's pre-tokenizer: a Split by a pattern, each match and each gap a piece ("Isolated"),
     * then ByteLevel without its regex. The pattern as Java reads it, or null for anything else.
     */
    private static Pattern isolatedSplit(JsonNode node) {
        if (!isType(node, "Sequence") || node.path("pretokenizers").size() != 2) {
            return null;
        }
        JsonNode split = node.path("pretokenizers").get(0);
        if (!isType(split, "Split") || !split.path("behavior").asString("").equals("Isolated")
                || split.path("invert").asBoolean(false) || !isByteLevel(node.path("pretokenizers").get(1), false)) {
            return null;
        }
        JsonNode pattern = split.path("pattern");
        if (pattern.path("String").isString()) {
            return Pattern.compile(Pattern.quote(pattern.path("String").asString()));
        }
        if (!pattern.path("Regex").isString()) {
            return null;
        }
        try {
            // Oniguruma's \s, \d and \w are Unicode's, as Java's are with UNICODE_CHARACTER_CLASS.
            return Pattern.compile(pattern.path("Regex").asString(), Pattern.UNICODE_CHARACTER_CLASS);
        } catch (PatternSyntaxException e) {
            return null;
        }
    }

    private static boolean isType(JsonNode node, String type) {
        return node != null && node.path("type").asString("").equals(type);
    }

    private static boolean isNull(JsonNode node) {
        return node == null || node.isNull();
    }

    @Override
    public long[] encode(String text) {
        Ids ids = new Ids();
        Matcher added = addedTokens.matcher(text);
        int start = 0;
        while (added.find()) {
            encodePlain(text.substring(start, added.start()), ids);
            ids.add(addedIds.get(added.group()));
            start = added.end();
        }
        encodePlain(text.substring(start), ids);
        return ids.toArray();
    }

    private void encodePlain(String text, Ids ids) {
        if (text.isEmpty()) {
            return;
        }
        String normalized = nfc ? Normalizer.normalize(text, Normalizer.Form.NFC) : text;
        Matcher piece = pieces.matcher(normalized);
        int start = 0;
        // The library cuts "Isolated": each match a piece, and each gap between matches (GPT-2's regex leaves none).
        while (piece.find()) {
            if (piece.start() > start) {
                encodePiece(normalized.substring(start, piece.start()), ids);
            }
            if (piece.end() > piece.start()) {
                encodePiece(piece.group(), ids);
            }
            start = piece.end();
        }
        if (start < normalized.length()) {
            encodePiece(normalized.substring(start), ids);
        }
    }

    private void encodePiece(String piece, Ids ids) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        if (ignoreMerges) {
            OptionalLong whole = vocabulary.modelId(ByteLevelAlphabet.spell(bytes));
            if (whole.isPresent()) {
                ids.add(whole.getAsLong());
                return;
            }
        }
        int[] symbols = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            symbols[i] = byteIds[bytes[i] & 0xFF];
        }
        merge(symbols, ids);
    }

    /**
     * Applies the merges to the symbols until none applies: always the lowest-ranked pair next, the leftmost among
     * equals, as the library does; a queue of (rank, position) keeps that O(n log n) on a long piece.
     */
    private void merge(int[] symbols, Ids ids) {
        int n = symbols.length;
        int[] next = new int[n];
        int[] previous = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            previous[i] = i - 1;
        }
        PriorityQueue<Long> queue = new PriorityQueue<>();
        for (int i = 0; i + 1 < n; i++) {
            enqueue(queue, symbols, next, i);
        }
        while (!queue.isEmpty()) {
            long top = queue.poll();
            int rank = (int) (top >>> 32);
            int at = (int) top;
            int right = next[at];
            // Stale when a merge since has changed either side (a removed symbol is -1).
            if (symbols[at] < 0 || right < 0 || merges.rank(symbols[at], symbols[right]) != rank) {
                continue;
            }
            symbols[at] = merges.merged(symbols[at], symbols[right]);
            symbols[right] = -1;
            next[at] = next[right];
            if (next[at] >= 0) {
                previous[next[at]] = at;
            }
            if (previous[at] >= 0) {
                enqueue(queue, symbols, next, previous[at]);
            }
            enqueue(queue, symbols, next, at);
        }
        for (int i = 0; i >= 0; i = next[i]) {
            ids.add(symbols[i]);
        }
    }

    private void enqueue(PriorityQueue<Long> queue, int[] symbols, int[] next, int at) {
        if (next[at] >= 0) {
            int rank = merges.rank(symbols[at], symbols[next[at]]);
            if (rank >= 0) {
                queue.add(((long) rank << 32) | at);
            }
        }
    }

    /**
     * As the library's ByteLevel decoder: each token's symbols turned back into bytes (a token with a character that
     * is no symbol, such as an added token's, as its own UTF-8), then the bytes read as UTF-8 as Rust reads them
     * ({@link LossyUtf8}). Ids with no token are left out.
     */
    @Override
    public String decode(long[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (long id : ids) {
            String token = addedById.get(id);
            if (token == null) {
                token = vocabulary.modelToken(id);
            }
            if (token != null) {
                byte[] raw = symbolBytes(token);
                bytes.write(raw, 0, raw.length);
            }
        }
        return LossyUtf8.decode(bytes.toByteArray());
    }

    private static byte[] symbolBytes(String token) {
        byte[] raw = new byte[token.length()];
        for (int i = 0; i < raw.length; i++) {
            int b = ByteLevelAlphabet.byteOf(token.charAt(i));
            if (b < 0) {
                return token.getBytes(StandardCharsets.UTF_8);
            }
            raw[i] = (byte) b;
        }
        return raw;
    }

    @Override
    public void close() {
        // Nothing native to free.
    }

    /** A growing list of ids. */
    private static final class Ids {
        private long[] values = new long[64];
        private int size;

        void add(long id) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = id;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
