package dev.mondrian.runner.tokenizer;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Streaming detokenization. Byte-level tokens may each hold part of one character, so text is
 * only released once it no longer ends in a replacement character. Each step decodes again only
 * the ids since the release before last (that one token of left context keeps decoders that
 * strip a leading space right), so a step costs the same at token 10 and token 10,000.
 */
public final class IncrementalDecoder {
    private static final char REPLACEMENT = '\uFFFD';

    private final Function<long[], String> decode;
    private long[] ids = new long[64];
    private int size;
    private int prefix;
    private int read;

    public IncrementalDecoder(Function<long[], String> decode) {
        this.decode = decode;
    }

    /** Adds one token; returns the text it completed (often empty mid-character). */
    public String push(long id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
        String before = decode.apply(Arrays.copyOfRange(ids, prefix, read));
        String after = decode.apply(Arrays.copyOfRange(ids, prefix, size));
        if (after.length() > before.length() && after.charAt(after.length() - 1) != REPLACEMENT
                && after.startsWith(before)) {
            String delta = after.substring(before.length());
            prefix = read;
            read = size;
            return delta;
        }
        return "";
    }

    /** The rest, once no more tokens come (a trailing broken character is shown as U+FFFD). */
    public String flush() {
        String before = decode.apply(Arrays.copyOfRange(ids, prefix, read));
        String after = decode.apply(Arrays.copyOfRange(ids, prefix, size));
        read = size;
        return after.length() > before.length() && after.startsWith(before) ? after.substring(before.length()) : "";
    }
}
