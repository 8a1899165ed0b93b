package dev.mondrian.runner.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real byte-level BPE tokenizer.json with no merges: every UTF-8 byte is its own token (id =
 * byte value), so multi-byte characters always span several tokens, the hard case for streaming.
 * Ids 256.. are the ChatML special tokens.
 */
public final class TinyTokenizer {
    public static final int VOCAB = 260;
    public static final long END_OF_TEXT = 256;
    public static final long IM_START = 257;
    public static final long IM_END = 258;
    public static final long IMAGE = 259;

    private TinyTokenizer() {}

    public static void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder vocab = new StringBuilder();
        char[] alphabet = byteAlphabet();
        for (int b = 0; b < 256; b++) {
            vocab.append(b == 0 ? "" : ",").append(json(String.valueOf(alphabet[b]))).append(':').append(b);
        }
        String[] specials = {"<|endoftext|>", "<|im_start|>", "<|im_end|>", "<image>"};
        StringBuilder added = new StringBuilder();
        for (int i = 0; i < specials.length; i++) {
            vocab.append(',').append(json(specials[i])).append(':').append(256 + i);
            added.append(i == 0 ? "" : ",").append("{\"id\":").append(256 + i).append(",\"content\":")
                    .append(json(specials[i])).append(",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,"
                            + "\"normalized\":false,\"special\":true}");
        }
        Files.writeString(dir.resolve("tokenizer.json"), """
                {"version":"1.0","truncation":null,"padding":null,"added_tokens":[%s],"normalizer":null,
                 "pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true},
                 "post_processor":null,
                 "decoder":{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true},
                 "model":{"type":"BPE","dropout":null,"unk_token":null,"continuing_subword_prefix":null,
                  "end_of_word_suffix":null,"fuse_unk":false,"byte_fallback":false,"ignore_merges":false,
                  "vocab":{%s},"merges":[]}}
                """.formatted(added, vocab));
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"eos_token":"<|im_end|>","bos_token":null,"chat_template":"{% for message in messages %}<|im_start|>{{ message['role'] }}\\n{{ message['content'] }}<|im_end|>\\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\\n{% endif %}"}
                """);
    }

    /** GPT-2's printable stand-ins for the 256 byte values. */
    static char[] byteAlphabet() {
        List<Integer> printable = new ArrayList<>();
        for (int c = '!'; c <= '~'; c++) {
            printable.add(c);
        }
        for (int c = 0xA1; c <= 0xAC; c++) {
            printable.add(c);
        }
        for (int c = 0xAE; c <= 0xFF; c++) {
            printable.add(c);
        }
        char[] map = new char[256];
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            map[b] = printable.contains(b) ? (char) b : (char) (256 + extra++);
        }
        return map;
    }

    private static String json(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7E) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
