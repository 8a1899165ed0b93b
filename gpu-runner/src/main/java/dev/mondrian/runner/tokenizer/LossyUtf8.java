package dev.mondrian.runner.tokenizer;

/**
 * Bytes read as UTF-8 as Rust's {@code String::from_utf8_lossy} reads them, which is what the Hugging Face library's
 * decoders return: each maximal prefix of a valid sequence that breaks off (or a byte that starts none) becomes one
 * U+FFFD (Unicode's "substitution of maximal subparts"). Java's own decoder counts some broken sequences
 * differently (two lone bytes of a surrogate's encoding, for one), and a streamed token's text must match the
 * library's to the character.
 */
final class LossyUtf8 {
    private static final char REPLACEMENT = '\uFFFD';

    private LossyUtf8() {}

    static String decode(byte[] bytes) {
        int length = bytes.length;
        StringBuilder text = new StringBuilder(length);
        int i = 0;
        while (i < length) {
            int lead = bytes[i] & 0xFF;
            if (lead < 0x80) {
                text.append((char) lead);
                i++;
                continue;
            }
            int width = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3
                    : lead >= 0xF0 && lead <= 0xF4 ? 4 : 1;
            int codePoint = width == 2 ? lead & 0x1F : width == 3 ? lead & 0x0F : lead & 0x07;
            int read = 1;
            while (width > 1 && read < width && i + read < length
                    && continues(lead, read, bytes[i + read] & 0xFF)) {
                codePoint = (codePoint << 6) | (bytes[i + read] & 0x3F);
                read++;
            }
            if (width > 1 && read == width) {
                text.appendCodePoint(codePoint);
            } else {
                text.append(REPLACEMENT);
            }
            i += read;
        }
        return text.toString();
    }

    /** Whether {@code b} may be byte {@code at} (1, 2 or 3) of a sequence that starts with {@code lead}. */
    private static boolean continues(int lead, int at, int b) {
        if (at == 1) {
            // The second byte rules out overlong forms, surrogates and code points past U+10FFFF.
            int low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
            int high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
            return b >= low && b <= high;
        }
        return b >= 0x80 && b <= 0xBF;
    }
}
