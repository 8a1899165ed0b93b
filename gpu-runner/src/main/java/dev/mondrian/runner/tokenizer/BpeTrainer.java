package dev.mondrian.runner.tokenizer;

import dev.mondrian.runner.tokenizer.ByteLevelBpe.Merge;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Trains a GPT-2/Qwen-style byte-level BPE: the corpus is cut into pieces exactly as the
 * tokenizer.json's pre-tokenizer will cut text at encode time ({@link ByteLevelPreTokenizer}),
 * each distinct piece becomes a word of byte symbols with its count, and the most frequent
 * adjacent pair of tokens is merged, over and over, until the vocabulary has the size asked for.
 *
 * <p>Ties: of pairs equally frequent, the one whose left token has the smaller id wins, then the
 * one whose right token has the smaller id; so the same corpus always gives the same merges.
 * Pair counts are updated for the words a merge touches only, which keeps training to seconds.
 */
public final class BpeTrainer {
    private BpeTrainer() {}

    /**
     * @param vocabSize the whole vocabulary: 256 byte symbols, the merged tokens, the special tokens
     * @throws IllegalArgumentException when {@code vocabSize} cannot hold the bytes and special
     *     tokens, or the corpus runs out of pairs to merge before the vocabulary is full
     */
    public static ByteLevelBpe train(Iterable<String> corpus, int vocabSize, List<String> specialTokens) {
        int ordinaryTokens = vocabSize - specialTokens.size();
        if (ordinaryTokens < 256) {
            throw new IllegalArgumentException("a vocabulary of " + vocabSize + " tokens cannot hold the 256 byte symbols and "
                    + specialTokens.size() + " special tokens: it needs at least " + (256 + specialTokens.size()));
        }
        Pairs pairs = new Pairs(words(corpus, new ByteLevelPreTokenizer(specialTokens)));
        List<String> tokens = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(ByteLevelAlphabet.symbol(b));
            ids.put(tokens.get(b), b);
        }
        List<Merge> merges = new ArrayList<>();
        Set<Long> merged = new HashSet<>();
        while (tokens.size() < ordinaryTokens) {
            long pair = pairs.mostFrequent().orElseThrow(() -> new IllegalArgumentException("the corpus has no pairs left to merge at "
                    + (tokens.size() + specialTokens.size()) + " tokens; a vocabulary of " + vocabSize + " needs more varied text"));
            Merge merge = new Merge(tokens.get(left(pair)), tokens.get(right(pair)));
            int id = ids.computeIfAbsent(merge.merged(), token -> {
                tokens.add(token);
                return tokens.size() - 1;
            });
            // A pair merged before comes back only next to a token remade by another merge;
            // encoding merges it at its first rank already, so it gets no second line.
            if (merged.add(pair)) {
                merges.add(merge);
            }
            pairs.merge(pair, id);
        }
        return new ByteLevelBpe(merges, specialTokens);
    }

    /** Each distinct piece of the corpus as byte ids, with how often it occurs. */
    private static List<Word> words(Iterable<String> corpus, ByteLevelPreTokenizer preTokenizer) {
        Map<String, Long> counts = new HashMap<>();
        for (String text : corpus) {
            for (String piece : preTokenizer.pieces(text)) {
                counts.merge(piece, 1L, Long::sum);
            }
        }
        List<Word> words = new ArrayList<>(counts.size());
        counts.forEach((piece, count) -> {
            byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
            int[] symbols = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                symbols[i] = bytes[i] & 0xFF;
            }
            words.add(new Word(symbols, count));
        });
        return words;
    }

    private static long pair(int left, int right) {
        return (long) left << 32 | right;
    }

    private static int left(long pair) {
        return (int) (pair >>> 32);
    }

    private static int right(long pair) {
        return (int) pair;
    }

    /** A distinct piece of the corpus as its current tokens. */
    private static final class Word {
        final long count;
        final int[] symbols;
        int length;

        Word(int[] symbols, long count) {
            this.symbols = symbols;
            this.length = symbols.length;
            this.count = count;
        }

        boolean contains(int left, int right) {
            for (int i = 0; i + 1 < length; i++) {
                if (symbols[i] == left && symbols[i + 1] == right) {
                    return true;
                }
            }
            return false;
        }

        /** Left to right, as encoding does: "aaa" with a+a becomes "aa a". */
        void merge(int left, int right, int merged) {
            int write = 0;
            for (int read = 0; read < length; write++) {
                if (read + 1 < length && symbols[read] == left && symbols[read + 1] == right) {
                    symbols[write] = merged;
                    read += 2;
                } else {
                    symbols[write] = symbols[read++];
                }
            }
            length = write;
        }
    }

    /** How often each adjacent pair occurs, which words hold it, and the pairs by count. */
    private static final class Pairs {
        private record Candidate(long pair, long count) {}

        private static final Comparator<Candidate> MOST_FREQUENT_FIRST = Comparator.comparingLong(Candidate::count).reversed()
                .thenComparingLong(Candidate::pair); // the left id sits in the high bits: smaller left, then smaller right

        private final List<Word> words;
        private final Map<Long, Long> counts = new HashMap<>();
        /** May still list words a merge has since taken the pair from; merge() checks. */
        private final Map<Long, Set<Integer>> wordsWith = new HashMap<>();
        /** Holds stale candidates too (counts change after they are queued); mostFrequent() skips them. */
        private final PriorityQueue<Candidate> queue = new PriorityQueue<>(MOST_FREQUENT_FIRST);

        Pairs(List<Word> words) {
            this.words = words;
            Map<Long, Long> before = new HashMap<>();
            for (int index = 0; index < words.size(); index++) {
                count(index, 1, before);
            }
            queueChanged(before);
        }

        OptionalLong mostFrequent() {
            while (!queue.isEmpty()) {
                Candidate candidate = queue.poll();
                if (counts.getOrDefault(candidate.pair(), 0L) == candidate.count()) {
                    return OptionalLong.of(candidate.pair());
                }
            }
            return OptionalLong.empty();
        }

        void merge(long pair, int merged) {
            Map<Long, Long> before = new HashMap<>();
            for (int index : wordsWith.remove(pair)) {
                Word word = words.get(index);
                if (word.contains(left(pair), right(pair))) {
                    count(index, -1, before);
                    word.merge(left(pair), right(pair), merged);
                    count(index, 1, before);
                }
            }
            queueChanged(before);
        }

        /** Adds ({@code sign} 1) or removes (-1) the pairs of one word, noting each pair's count before. */
        private void count(int index, int sign, Map<Long, Long> before) {
            Word word = words.get(index);
            for (int i = 0; i + 1 < word.length; i++) {
                long pair = pair(word.symbols[i], word.symbols[i + 1]);
                long old = counts.getOrDefault(pair, 0L);
                before.putIfAbsent(pair, old);
                long now = old + sign * word.count;
                if (now == 0) {
                    counts.remove(pair);
                } else {
                    counts.put(pair, now);
                }
                if (sign > 0) {
                    wordsWith.computeIfAbsent(pair, p -> new HashSet<>()).add(index);
                }
            }
        }

        private void queueChanged(Map<Long, Long> before) {
            before.forEach((pair, old) -> {
                long now = counts.getOrDefault(pair, 0L);
                if (now != old && now > 0) {
                    queue.add(new Candidate(pair, now));
                }
            });
        }
    }
}
