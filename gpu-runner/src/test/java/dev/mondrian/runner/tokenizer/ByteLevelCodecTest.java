package dev.mondrian.runner.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link ByteLevelCodec} against the Hugging Face tokenizers library ({@link NativeCodec}) on the same files: the
 * shipped model's trained BPE as GPT-2 writes it, and rewritten as Qwen2 and Llama 3 write theirs; thousands of
 * random texts (accents composed and not, CJK, emoji, every kind of space and line break, apostrophes, digits,
 * special tokens whole and cut) must give the same ids, and random ids (broken characters among them) the same text.
 */
class ByteLevelCodecTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path SHIPPED = Path.of("model");
    /** Qwen2's and Qwen3's pre-tokenizer pattern, as their tokenizer.json has it. */
    private static final String QWEN2_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    /** Llama 3's. */
    private static final String LLAMA3_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final List<String> FRAGMENTS = List.of("the", " the", "The", "light", " photograph", "shadow",
            "horizon", " exposure", "it's", "IT'S", "we'll", "they'd", "I'm", "you're", "’s", "don't", "1", "42",
            "2026", "3.14159", "1,000,000", " ", "  ", "   ", "\t", "\n", "\r\n", "\n\n", " \n ", "\u00A0", "\u3000",
            "\u2028", "\u2003", "é", "e\u0301", "Å", "A\u030A", "ñ", "n\u0303", "ß", "ﬁ", "Ǆ", "世界", "中文", "丁",
            "日本語", "한국어", "Ελληνικά", "русский", "עברית", "العربية", "हिन्दी", "👋", "👋🏽", "👨‍👩‍👧", "🚀",
            "🏳️‍🌈", "!", "?!", "...", "—", "–", "\"", "'", "(", ")", "[x]", "{}", "<", ">", "<|", "|>", "<|im_",
            "im_end|>", "#", "@", "$5", "%", "&&", "***", "_", "__init__", "http://example.com/a?b=c", "café",
            "naïve", "ZÜRICH", "x²", "½", "Ⅻ", "٣", "\u0000", "\u007F", "\u0085", "\u200B", "\uFEFF");
    private static final List<String> SPECIAL = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|画像|>");

    @TempDir
    Path dir;

    @Test
    void gpt2StyleAsTheShippedModelWritesIt() throws Exception {
        assertSameAsTheLibrary(rewrite(root -> { }), 3000, 1);
    }

    @Test
    void qwen2StyleWithNfcASplitPatternAndMergesAsPairs() throws Exception {
        assertSameAsTheLibrary(rewrite(root -> {
            root.putObject("normalizer").put("type", "NFC");
            root.set("pre_tokenizer", split(QWEN2_PATTERN));
            ArrayNode pairs = JSON.createArrayNode();
            root.path("model").path("merges").forEach(merge -> {
                String[] parts = merge.asString().split(" ");
                pairs.addArray().add(parts[0]).add(parts[1]);
            });
            ((ObjectNode) root.path("model")).set("merges", pairs);
            // A token with characters that are no byte symbols: its own UTF-8 when decoded.
            addToken(root, "<|画像|>");
        }), 3000, 2);
    }

    @Test
    void llama3StyleIgnoringMergesForWholeWordsWithNormalizedAddedTokens() throws Exception {
        assertSameAsTheLibrary(rewrite(root -> {
            root.set("pre_tokenizer", split(LLAMA3_PATTERN));
            ((ObjectNode) root.path("model")).put("ignore_merges", true);
            // Whole words the merges would cut otherwise, and an added token that begins another one.
            ObjectNode vocab = (ObjectNode) root.path("model").path("vocab");
            for (String word : List.of("horizon", "shadow", "café", "世界", "photograph's")) {
                vocab.put(ByteLevelAlphabet.spell(word.getBytes(StandardCharsets.UTF_8)), nextId(root));
            }
            addToken(root, "<|im");
            root.path("added_tokens").forEach(token -> ((ObjectNode) token).put("normalized", true));
        }), 3000, 3);
    }

    @Test
    void aVocabularyPaddedPastWhatMergesMakeAsTheBenchmarksWrite() throws Exception {
        TinyTokenizerFiles.write(dir, false, 5000);
        assertSameAsTheLibrary(dir.resolve("tokenizer.json"), 1000, 4);
    }

    /**
     * Byte tokens that make broken UTF-8: every pair of bytes, then random runs of up to five, must read as the
     * library reads them (Rust's lossy UTF-8, where Java's decoder counts some replacement characters differently).
     */
    @Test
    void brokenCharactersReadAsTheLibraryReadsThem() throws Exception {
        Path file = SHIPPED.resolve("tokenizer.json");
        TokenVocabulary vocabulary = TokenVocabulary.load(SHIPPED);
        long[] byteIds = new long[256];
        for (int b = 0; b < 256; b++) {
            byteIds[b] = vocabulary.id(ByteLevelAlphabet.symbol(b)).orElseThrow();
        }
        ByteLevelCodec java = ByteLevelCodec.load(file, vocabulary).orElseThrow();
        SplittableRandom random = new SplittableRandom(5);
        try (NativeCodec library = new NativeCodec(file)) {
            for (int first = 0x80; first < 256; first++) {
                for (int second = 0; second < 256; second++) {
                    long[] ids = {byteIds[first], byteIds[second]};
                    assertThat(java.decode(ids)).as("bytes %02X %02X", first, second).isEqualTo(library.decode(ids));
                }
            }
            for (int i = 0; i < 20_000; i++) {
                long[] ids = random.ints(random.nextInt(1, 6), 0, 256)
                        .map(b -> random.nextInt(4) == 0 ? b : 0x80 | b).mapToLong(b -> byteIds[b]).toArray();
                assertThat(java.decode(ids)).as("ids %s", Arrays.toString(ids)).isEqualTo(library.decode(ids));
            }
        }
    }

    @Test
    void whatItDoesNotFollowGoesToTheLibrary() throws Exception {
        List<Consumer<ObjectNode>> unsupported = List.of(
                root -> ((ObjectNode) root.path("model")).put("byte_fallback", true),
                root -> root.putObject("normalizer").put("type", "Lowercase"),
                root -> ((ObjectNode) root.path("added_tokens").get(0)).put("lstrip", true),
                root -> ((ObjectNode) root.path("pre_tokenizer")).put("add_prefix_space", true),
                root -> root.putObject("decoder").put("type", "Metaspace").put("replacement", "▁")
                        .put("prepend_scheme", "always").put("split", true),
                // An id the library would not give it: it renumbers, so the file's ids cannot be trusted.
                root -> ((ObjectNode) root.path("added_tokens").get(3)).put("id", 9999),
                root -> {
                    root.putObject("normalizer").put("type", "NFC");
                    ((ObjectNode) root.path("added_tokens").get(0)).put("normalized", true);
                });
        for (Consumer<ObjectNode> change : unsupported) {
            Path file = rewrite(change);
            assertThat(ByteLevelCodec.load(file, TokenVocabulary.load(file.getParent()))).isEmpty();
            try (ModelTokenizer tokenizer = ModelTokenizer.load(file.getParent());
                 NativeCodec library = new NativeCodec(file)) {
                assertThat(tokenizer.encode("Hello there<|im_end|>")).containsExactly(library.encode("Hello there<|im_end|>"));
            }
        }
    }

    private static void assertSameAsTheLibrary(Path file, int texts, long seed) throws Exception {
        TokenVocabulary vocabulary = TokenVocabulary.load(file.getParent());
        Optional<ByteLevelCodec> java = ByteLevelCodec.load(file, vocabulary);
        assertThat(java).as("the codec takes " + file).isPresent();
        SplittableRandom random = new SplittableRandom(seed);
        try (NativeCodec library = new NativeCodec(file)) {
            for (int i = 0; i < texts; i++) {
                String text = text(random);
                long[] expected = library.encode(text);
                assertThat(java.get().encode(text)).as("ids of %s", printable(text)).containsExactly(expected);
                assertThat(java.get().decode(expected)).as("text of %s", printable(text)).isEqualTo(library.decode(expected));
            }
            for (int i = 0; i < texts; i++) {
                long[] ids = random.longs(random.nextInt(1, 12), 0, vocabulary.size()).toArray();
                assertThat(java.get().decode(ids)).as("text of ids %s", Arrays.toString(ids))
                        .isEqualTo(library.decode(ids));
            }
        }
    }

    private static String text(SplittableRandom random) {
        StringBuilder text = new StringBuilder();
        for (int parts = random.nextInt(0, 12); parts > 0; parts--) {
            int kind = random.nextInt(10);
            if (kind == 0) {
                text.append(SPECIAL.get(random.nextInt(SPECIAL.size())));
            } else if (kind == 1) {
                text.appendCodePoint(codePoint(random));
            } else {
                text.append(FRAGMENTS.get(random.nextInt(FRAGMENTS.size())));
            }
        }
        return text.toString();
    }

    /** Any assigned-or-not code point but surrogates, the Basic Multilingual Plane more often. */
    private static int codePoint(SplittableRandom random) {
        int c = random.nextBoolean() ? random.nextInt(0x20, 0x3000) : random.nextInt(0x20, 0x30000);
        return Character.isSurrogate((char) c) && c < 0x10000 ? 'x' : c;
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.codePoints().forEach(c -> out.append(c < 0x20 || c > 0x7E ? String.format("\\u{%X}", c) : Character.toString(c)));
        return out.append('"').toString();
    }

    private static int nextId(ObjectNode root) {
        int highest = -1;
        for (JsonNode id : root.path("model").path("vocab")) {
            highest = Math.max(highest, id.asInt());
        }
        for (JsonNode token : root.path("added_tokens")) {
            highest = Math.max(highest, token.path("id").asInt());
        }
        return highest + 1;
    }

    private static void addToken(ObjectNode root, String content) {
        ((ArrayNode) root.path("added_tokens")).addObject().put("id", nextId(root)).put("content", content)
                .put("single_word", false).put("lstrip", false).put("rstrip", false).put("normalized", false)
                .put("special", true);
    }

    private static JsonNode split(String pattern) {
        ObjectNode sequence = JSON.createObjectNode().put("type", "Sequence");
        ArrayNode steps = sequence.putArray("pretokenizers");
        ObjectNode split = steps.addObject().put("type", "Split");
        split.putObject("pattern").put("Regex", pattern);
        split.put("behavior", "Isolated").put("invert", false);
        steps.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", false)
                .put("use_regex", false);
        return sequence;
    }

    /** The shipped model's tokenizer.json, changed, in a folder of its own; returns the file. */
    private Path rewrite(Consumer<ObjectNode> change) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(SHIPPED.resolve("tokenizer.json").toFile());
        change.accept(root);
        Path folder = Files.createTempDirectory(dir, "tokenizer");
        Path file = folder.resolve("tokenizer.json");
        Files.writeString(file, JSON.writeValueAsString(root));
        return file;
    }
}
