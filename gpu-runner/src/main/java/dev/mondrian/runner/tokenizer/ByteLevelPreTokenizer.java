package dev.mondrian.runner.tokenizer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The pieces of a text that byte-level BPE merges within, cut as the Rust tokenizers library
 * cuts them at encode time: special tokens first (they are added tokens, matched in the raw text
 * and never seen by BPE), then the rest by the ByteLevel pre-tokenizer with {@code use_regex} and
 * no prefix space, i.e. GPT-2's pattern with every match a piece.
 */
final class ByteLevelPreTokenizer {
    /**
     * GPT-2's pattern. The Rust library runs it on Oniguruma, whose {@code \s} is Unicode's
     * White_Space; Java's {@code \s} is ASCII only unless UNICODE_CHARACTER_CLASS asks for more.
     */
    static final Pattern GPT2_PIECES = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private final Pattern specialTokens;

    ByteLevelPreTokenizer(List<String> specialTokens) {
        this.specialTokens = anyOf(specialTokens);
    }

    /**
     * A pattern that finds any of {@code tokens} as written, the longest where several start at one place, as the
     * library finds added tokens. "(?!)" never matches, for none.
     */
    static Pattern anyOf(Collection<String> tokens) {
        return Pattern.compile(tokens.isEmpty() ? "(?!)" : tokens.stream()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .map(Pattern::quote)
                .collect(Collectors.joining("|")));
    }

    /** The ordinary pieces of {@code text}, in order, without its special tokens. */
    List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        Matcher special = specialTokens.matcher(text);
        int start = 0;
        while (special.find()) {
            addPieces(text.substring(start, special.start()), pieces);
            start = special.end();
        }
        addPieces(text.substring(start), pieces);
        return pieces;
    }

    private static void addPieces(String text, List<String> pieces) {
        // The pattern matches every character, so nothing lies between two matches.
        Matcher piece = GPT2_PIECES.matcher(text);
        while (piece.find()) {
            pieces.add(piece.group());
        }
    }
}
