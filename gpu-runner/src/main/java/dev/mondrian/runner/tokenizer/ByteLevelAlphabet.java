package dev.mondrian.runner.tokenizer;

import java.util.Arrays;

/**
 * GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the other 68 bytes
 * (controls, space, 0x7F-0xA0, soft hyphen) are shifted to U+0100 onwards in byte order, so every
 * byte has a visible one-character symbol (space is "Ġ"). Byte-level BPE vocabularies spell their
 * tokens in these symbols.
 */
final class ByteLevelAlphabet {
    private static final char[] SYMBOLS = symbols();
    /** Each symbol's byte, by the symbol's code (all are below U+0144); -1 for other characters. */
    private static final int[] BYTES = bytes();

    private ByteLevelAlphabet() {}

    /** The symbol of one byte, 0..255. */
    static String symbol(int b) {
        return String.valueOf(SYMBOLS[b]);
    }

    /** {@code bytes} spelled in symbols, as a byte-level vocabulary spells its tokens. */
    static String spell(byte[] bytes) {
        char[] symbols = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            symbols[i] = SYMBOLS[bytes[i] & 0xFF];
        }
        return new String(symbols);
    }

    /** The byte a symbol stands for, or -1 when {@code c} is no symbol. */
    static int byteOf(char c) {
        return c < BYTES.length ? BYTES[c] : -1;
    }

    private static int[] bytes() {
        int[] bytes = new int[512];
        Arrays.fill(bytes, -1);
        for (int b = 0; b < 256; b++) {
            bytes[SYMBOLS[b]] = b;
        }
        return bytes;
    }

    private static char[] symbols() {
        char[] symbols = new char[256];
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            symbols[b] = printable ? (char) b : (char) (256 + shifted++);
        }
        return symbols;
    }
}
