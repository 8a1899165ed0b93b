package dev.mondrian.runner.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streaming over byte-level BPE, where many tokens hold only part of a character. */
class IncrementalDecoderTest {
    private static final String[] PIECES = {"the", " the", " a", "in", "é", "ü", "ß", "👋", "🚀", "👋🏽", "世", "界", "中", "丁",
            "𝄞", "—", " ", "\n", "x", "Ω", "ñ", "<|im_end|>"};

    @TempDir
    Path dir;

    @Test
    void randomMultiByteTextNeverShowsAReplacementCharacterAndAddsUpToTheWholeDecode() throws Exception {
        TinyTokenizerFiles.write(dir, false);
        Random random = new Random(7);
        try (ModelTokenizer tokenizer = ModelTokenizer.load(dir)) {
            for (int round = 0; round < 40; round++) {
                StringBuilder text = new StringBuilder();
                for (int i = 0, n = 1 + random.nextInt(40); i < n; i++) {
                    text.append(PIECES[random.nextInt(PIECES.length)]);
                }
                long[] ids = tokenizer.encode(text.toString());
                IncrementalDecoder decoder = tokenizer.incrementalDecoder();
                StringBuilder shown = new StringBuilder();
                for (long id : ids) {
                    String delta = decoder.push(id);
                    assertThat(delta).as("delta in %s", text).doesNotContain("\uFFFD");
                    shown.append(delta);
                }
                shown.append(decoder.flush());
                assertThat(shown.toString()).isEqualTo(tokenizer.decode(ids)).isEqualTo(text.toString());
            }
        }
    }

    @Test
    void eachStepDecodesOnlyAShortWindowHoweverLongTheOutput() throws Exception {
        TinyTokenizerFiles.write(dir, false);
        try (ModelTokenizer tokenizer = ModelTokenizer.load(dir)) {
            List<Integer> decodedLengths = new ArrayList<>();
            IncrementalDecoder decoder = new IncrementalDecoder(ids -> {
                decodedLengths.add(ids.length);
                return tokenizer.decode(ids);
            });
            String text = "the 👋🏽 世界 é ".repeat(300);
            StringBuilder shown = new StringBuilder();
            for (long id : tokenizer.encode(text)) {
                shown.append(decoder.push(id));
            }
            shown.append(decoder.flush());
            assertThat(shown.toString()).isEqualTo(text);
            // The longest run of tokens inside one character here is 4 bytes of an emoji, plus one token of context.
            assertThat(decodedLengths.stream().mapToInt(Integer::intValue).max().orElseThrow()).isLessThanOrEqualTo(6);
        }
    }

    @Test
    void aBrokenTrailingCharacterIsOnlyShownByFlush() throws Exception {
        TinyTokenizerFiles.write(dir, false);
        try (ModelTokenizer tokenizer = ModelTokenizer.load(dir)) {
            IncrementalDecoder decoder = tokenizer.incrementalDecoder();
            assertThat(decoder.push('o') + decoder.push('k')).isEqualTo("ok");
            assertThat(decoder.push(0xF0)).isEmpty(); // the first byte of a 4-byte character, and nothing more comes
            assertThat(decoder.flush()).isEqualTo("\uFFFD");
        }
    }
}
