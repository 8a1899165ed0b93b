package dev.mondrian.runner.tokenizer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A GPT-2/Qwen-style byte-level BPE vocabulary, its tokens spelled in {@link ByteLevelAlphabet}.
 * Ids: 0..255 are the byte symbols (id = byte value), then each new token a merge makes, in
 * merge order, then the special tokens. A merge may remake a token an earlier merge made
 * ("a"+"bc" after "ab"+"c"); it adds no id then.
 *
 * @param merges in priority order: encoding applies the earliest merge first
 * @param specialTokens whole tokens matched in raw text, such as {@code <|im_end|>}
 */
public record ByteLevelBpe(List<Merge> merges, List<String> specialTokens) {
    /** Two adjacent tokens that become one. */
    public record Merge(String left, String right) {
        public String merged() {
            return left + right;
        }
    }

    public ByteLevelBpe {
        merges = List.copyOf(merges);
        specialTokens = List.copyOf(specialTokens);
        vocabulary(merges, specialTokens); // refuses what the Rust library would refuse to load
    }

    /** Every token in id order: bytes, merged tokens, special tokens. */
    public List<String> vocabulary() {
        return vocabulary(merges, specialTokens);
    }

    public int vocabSize() {
        return vocabulary().size();
    }

    /** The id of one of the special tokens. */
    public long specialTokenId(String token) {
        int index = specialTokens.indexOf(token);
        if (index < 0) {
            throw new IllegalArgumentException(token + " is not one of the special tokens " + specialTokens);
        }
        return vocabSize() - specialTokens.size() + index;
    }

    private static List<String> vocabulary(List<Merge> merges, List<String> specialTokens) {
        Set<String> tokens = new LinkedHashSet<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(ByteLevelAlphabet.symbol(b));
        }
        for (Merge merge : merges) {
            if (!tokens.contains(merge.left()) || !tokens.contains(merge.right())) {
                throw new IllegalArgumentException("merge \"" + merge.left() + " " + merge.right() + "\" joins a token no earlier merge makes");
            }
            tokens.add(merge.merged());
        }
        for (String special : specialTokens) {
            if (!tokens.add(special)) {
                throw new IllegalArgumentException("special token " + special + " is also another token");
            }
        }
        return new ArrayList<>(tokens);
    }
}
