package dev.mondrian.runner.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mondrian.runner.chat.ChatMessage;
import dev.mondrian.runner.tokenizer.ByteLevelBpe.Merge;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tokenizer trained on critique-like text, written as Hugging Face files and read back by the Rust library. */
class BpeTrainerTest {
    private static final int VOCAB_SIZE = 700;
    private static final List<String> CORPUS = CritiqueCorpus.texts(3000, 7);
    /** Text unlike the corpus, with characters it never holds: they must still encode, as bytes. */
    private static final List<String> UNSEEN = List.of("Zürich's 北京 ∑ ≈ 🦀🦀 Ωμέγα مرحبا", "   leading and trailing spaces   ",
            "tabs\t\tand\r\nWindows lines", "", "'S 'T 'RE shouting, 're 'll 'd 'm", "ﬁ ligature, e\u0301 combining, \u0001 control",
            "x\u00A0\u00A0y\u3000\u3000z \u2028 ", "## Heading\n\n- item\n  - nested item 42.5%");

    @TempDir
    static Path trained;
    private static ByteLevelBpe bpe;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() throws IOException {
        bpe = BpeTrainer.train(CORPUS, VOCAB_SIZE, TokenizerFiles.SPECIAL_TOKENS);
        TokenizerFiles.write(trained, bpe, TinyTokenizerFiles.VISION_TEMPLATE);
    }

    @Test
    void decodeUndoesEncodeForEveryCorpusTextAndUnseenText() throws Exception {
        try (ModelTokenizer tokenizer = ModelTokenizer.load(trained)) {
            for (String text : Stream.concat(CORPUS.stream(), UNSEEN.stream()).toList()) {
                assertThat(tokenizer.decode(tokenizer.encode(text))).as(text).isEqualTo(text);
            }
        }
    }

    @Test
    void frequentWordsBecomeOneTokenAndUnseenCharactersTheirBytes() throws Exception {
        try (ModelTokenizer tokenizer = ModelTokenizer.load(trained)) {
            assertThat(tokenizer.encode(" the")).containsExactly(tokenizer.tokenId("Ġthe").orElseThrow());
            assertThat(tokenizer.encode(" composition")).containsExactly(tokenizer.tokenId("Ġcomposition").orElseThrow());
            assertThat(tokenizer.encode(" café")).hasSize(1);
            // GPT-2's pattern cuts contractions off: "'t" is a piece of its own.
            assertThat(tokenizer.encode(" don't")).containsExactly(tokenizer.tokenId("Ġdon").orElseThrow(), tokenizer.tokenId("'t").orElseThrow());
            assertThat(tokenizer.encode("北")).containsExactly(0xE5, 0x8C, 0x97); // byte ids are the byte values
        }
    }

    @Test
    void theVocabularyHasTheSizeAskedForWithTheSpecialTokensLast() throws Exception {
        assertThat(bpe.vocabSize()).isEqualTo(VOCAB_SIZE);
        try (ModelTokenizer tokenizer = ModelTokenizer.load(trained)) {
            assertThat(tokenizer.vocabSize()).isEqualTo(VOCAB_SIZE);
            for (int i = 0; i < TokenizerFiles.SPECIAL_TOKENS.size(); i++) {
                String special = TokenizerFiles.SPECIAL_TOKENS.get(i);
                long id = VOCAB_SIZE - TokenizerFiles.SPECIAL_TOKENS.size() + i;
                assertThat(tokenizer.tokenId(special)).as(special).hasValue(id);
                assertThat(bpe.specialTokenId(special)).isEqualTo(id);
            }
            assertThat(tokenizer.eosTokenIds()).containsExactlyInAnyOrder(bpe.specialTokenId(TokenizerFiles.IM_END),
                    bpe.specialTokenId(TokenizerFiles.END_OF_TEXT));
        }
    }

    @Test
    void trainingAgainWritesTheSameFiles() throws Exception {
        TokenizerFiles.write(dir, BpeTrainer.train(CORPUS, VOCAB_SIZE, TokenizerFiles.SPECIAL_TOKENS), TinyTokenizerFiles.VISION_TEMPLATE);
        for (String file : List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
            assertThat(Files.readAllBytes(dir.resolve(file))).as(file).isEqualTo(Files.readAllBytes(trained.resolve(file)));
        }
    }

    @Test
    void aPlainJavaBpeEncoderWithTheTrainedMergesGivesTheRustLibrarysIds() throws Exception {
        ReferenceEncoder reference = new ReferenceEncoder(bpe);
        try (ModelTokenizer tokenizer = ModelTokenizer.load(trained)) {
            for (String text : Stream.concat(CORPUS.stream(), UNSEEN.stream()).toList()) {
                assertThat(reference.encode(text)).as(text).containsExactly(tokenizer.encode(text));
            }
        }
    }

    @Test
    void theChatTemplateRendersAndItsSpecialTokensEncodeToSingleIds() throws Exception {
        try (ModelTokenizer tokenizer = ModelTokenizer.load(trained)) {
            String prompt = tokenizer.chatTemplate().render(List.of(new ChatMessage("user", "Critique this photo.", 1)), true);
            assertThat(prompt).isEqualTo("<|im_start|>user\n<image>\nCritique this photo.<|im_end|>\n<|im_start|>assistant\n");
            long[] ids = tokenizer.encode(prompt);
            long imStart = bpe.specialTokenId(TokenizerFiles.IM_START);
            assertThat(ids[0]).isEqualTo(imStart);
            assertThat(ids).containsOnlyOnce(bpe.specialTokenId(TokenizerFiles.IMAGE), bpe.specialTokenId(TokenizerFiles.IM_END));
            assertThat(Arrays.stream(ids).filter(id -> id == imStart).count()).isEqualTo(2);
            assertThat(tokenizer.decode(ids)).isEqualTo(prompt);
        }
    }

    @Test
    void specialTokensInTheCorpusStayWholeAndOutOfTheMerges() {
        List<String> chats = CORPUS.stream().map(text -> "<|im_start|>assistant\n" + text + "<|im_end|>\n").toList();
        ByteLevelBpe chatBpe = BpeTrainer.train(chats, VOCAB_SIZE, TokenizerFiles.SPECIAL_TOKENS);
        assertThat(chatBpe.vocabulary().subList(0, VOCAB_SIZE - 4)).noneMatch(token -> token.contains("im_") || token.contains("|>"));
    }

    @Test
    void incrementalPairCountsMergeAsRecountingEveryPairWould() {
        assertThat(recountingEveryPair(CORPUS, bpe.merges().size())).isEqualTo(bpe.merges());
    }

    @Test
    void tiesGoToTheSmallerLeftIdThenTheSmallerRightId() {
        // ab, bc and cd occur once each; then ab+c and c+d tie, and c (99) is smaller than ab (256).
        assertThat(BpeTrainer.train(List.of("abcd"), 256 + 3 + 4, TokenizerFiles.SPECIAL_TOKENS).merges())
                .containsExactly(new Merge("a", "b"), new Merge("c", "d"), new Merge("ab", "cd"));
    }

    @Test
    void mergesApplyLeftToRightAsEncodingDoes() {
        assertThat(BpeTrainer.train(List.of("aaaa"), 256 + 2 + 4, TokenizerFiles.SPECIAL_TOKENS).merges())
                .containsExactly(new Merge("a", "a"), new Merge("aa", "aa"));
    }

    @Test
    void refusesAVocabularyTooSmallOrACorpusTooSmall() {
        assertThatThrownBy(() -> BpeTrainer.train(CORPUS, 259, TokenizerFiles.SPECIAL_TOKENS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot hold the 256 byte symbols and 4 special tokens: it needs at least 260");
        assertThatThrownBy(() -> BpeTrainer.train(List.of("abc"), 270, TokenizerFiles.SPECIAL_TOKENS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no pairs left to merge at 262 tokens; a vocabulary of 270 needs more varied text");
    }

    /** Training written plainly: count every pair of every piece again before each merge. */
    private static List<Merge> recountingEveryPair(List<String> corpus, int mergeCount) {
        ByteLevelPreTokenizer preTokenizer = new ByteLevelPreTokenizer(List.of());
        Map<List<String>, Long> words = new HashMap<>();
        for (String text : corpus) {
            preTokenizer.pieces(text).forEach(piece -> words.merge(symbols(piece), 1L, Long::sum));
        }
        List<String> vocabulary = new ArrayList<>(new ByteLevelBpe(List.of(), List.of()).vocabulary());
        List<Merge> merges = new ArrayList<>();
        while (merges.size() < mergeCount) {
            Map<Merge, Long> counts = new HashMap<>();
            words.forEach((tokens, count) -> {
                for (int i = 0; i + 1 < tokens.size(); i++) {
                    counts.merge(new Merge(tokens.get(i), tokens.get(i + 1)), count, Long::sum);
                }
            });
            Merge best = counts.keySet().stream().min(Comparator.<Merge>comparingLong(counts::get).reversed()
                    .thenComparingInt(merge -> vocabulary.indexOf(merge.left()))
                    .thenComparingInt(merge -> vocabulary.indexOf(merge.right()))).orElseThrow();
            merges.add(best);
            vocabulary.add(best.merged());
            Map<List<String>, Long> merged = new HashMap<>();
            words.forEach((tokens, count) -> merged.merge(mergeLeftToRight(tokens, best), count, Long::sum));
            words.clear();
            words.putAll(merged);
        }
        return merges;
    }

    private static List<String> mergeLeftToRight(List<String> tokens, Merge merge) {
        List<String> merged = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (i + 1 < tokens.size() && tokens.get(i).equals(merge.left()) && tokens.get(i + 1).equals(merge.right())) {
                merged.add(merge.merged());
                i++;
            } else {
                merged.add(tokens.get(i));
            }
        }
        return merged;
    }

    private static List<String> symbols(String piece) {
        List<String> symbols = new ArrayList<>();
        for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
            symbols.add(ByteLevelAlphabet.symbol(b & 0xFF));
        }
        return symbols;
    }

    /**
     * BPE encoding written plainly, as the Rust library's model does it: within each piece, merge
     * the adjacent pair of the lowest rank (the leftmost of equals) until no pair has a rank.
     */
    private static final class ReferenceEncoder {
        private final ByteLevelPreTokenizer preTokenizer = new ByteLevelPreTokenizer(List.of());
        private final Map<String, Long> ids = new HashMap<>();
        private final Map<Merge, Integer> ranks = new HashMap<>();

        ReferenceEncoder(ByteLevelBpe bpe) {
            List<String> vocabulary = bpe.vocabulary();
            for (int id = 0; id < vocabulary.size(); id++) {
                ids.put(vocabulary.get(id), (long) id);
            }
            for (int rank = 0; rank < bpe.merges().size(); rank++) {
                ranks.put(bpe.merges().get(rank), rank);
            }
        }

        long[] encode(String text) {
            List<Long> encoded = new ArrayList<>();
            for (String piece : preTokenizer.pieces(text)) {
                List<String> tokens = symbols(piece);
                for (int at = lowestRank(tokens); at >= 0; at = lowestRank(tokens)) {
                    tokens.set(at, tokens.get(at) + tokens.remove(at + 1));
                }
                tokens.forEach(token -> encoded.add(ids.get(token)));
            }
            return encoded.stream().mapToLong(Long::longValue).toArray();
        }

        /** Where the pair of the lowest rank starts, or -1. */
        private int lowestRank(List<String> tokens) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < tokens.size(); i++) {
                int rank = ranks.getOrDefault(new Merge(tokens.get(i), tokens.get(i + 1)), Integer.MAX_VALUE);
                if (rank < bestRank) {
                    best = i;
                    bestRank = rank;
                }
            }
            return best;
        }
    }
}
