package dev.mondrian.runner.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTokenizerTest {
    private static final String TEXT = "Héllo, wörld! 👋 世界 — ok";

    @TempDir
    Path dir;

    @Test
    void encodesBytesAndSpecialTokensAndDecodesBack() throws Exception {
        TinyTokenizer.write(dir);
        try (ModelTokenizer tokenizer = ModelTokenizer.load(dir)) {
            long[] ids = tokenizer.encode(TEXT);
            byte[] utf8 = TEXT.getBytes(StandardCharsets.UTF_8);
            assertThat(ids).hasSize(utf8.length);
            for (int i = 0; i < utf8.length; i++) {
                assertThat(ids[i]).isEqualTo(utf8[i] & 0xFF);
            }
            assertThat(tokenizer.decode(ids)).isEqualTo(TEXT);
            assertThat(tokenizer.encode("<|im_start|>user")).startsWith(TinyTokenizer.IM_START);
            assertThat(tokenizer.eosTokenIds()).containsExactly(TinyTokenizer.IM_END);
            assertThat(tokenizer.tokenId("<|im_start|>")).hasValue(TinyTokenizer.IM_START);
            assertThat(tokenizer.tokenId("not a token")).isEmpty();
            assertThat(tokenizer.vocabSize()).isEqualTo(TinyTokenizer.VOCAB);
            String prompt = tokenizer.chatTemplate().render(
                    List.of(new ChatMessage("system", "Be kind.", 0), new ChatMessage("user", "Hi", 0)), true);
            assertThat(prompt).isEqualTo("<|im_start|>system\nBe kind.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                    + "<|im_start|>assistant\n");
        }
    }

    @Test
    void visionTemplatesSeeImagePartsAndTemplatesCanRefuse() {
        String llava = "{% for message in messages %}{{ message['role'].upper() }}: "
                + "{% if message['content'] is string %}{{ message['content'] }}{% else %}"
                + "{% for part in message['content'] %}{% if part['type'] == 'image' %}<image>\n{% else %}{{ part['text'] }}{% endif %}{% endfor %}"
                + "{% endif %}\n{% endfor %}{% if add_generation_prompt %}ASSISTANT:{% endif %}";
        ChatTemplate template = new ChatTemplate(llava, "<s>", "</s>");
        assertThat(template.render(List.of(new ChatMessage("user", "Critique this.", 1)), true))
                .isEqualTo("USER: <image>\nCritique this.ASSISTANT:"); // trim_blocks eats the newline after endif
        ChatTemplate strict = new ChatTemplate(
                "{% if messages[0]['role'] != 'user' %}{{ raise_exception('first turn must be the user') }}{% endif %}ok", "", "");
        assertThat(strict.render(List.of(new ChatMessage("user", "x", 0)), false)).isEqualTo("ok");
        assertThatThrownBy(() -> strict.render(List.of(new ChatMessage("assistant", "x", 0)), false))
                .hasMessageContaining("first turn must be the user");
    }

    @Test
    void streamingNeverShowsHalfACharacterAndAddsUpToTheWholeText() throws Exception {
        TinyTokenizer.write(dir);
        try (ModelTokenizer tokenizer = ModelTokenizer.load(dir)) {
            IncrementalDecoder decoder = tokenizer.incrementalDecoder();
            StringBuilder shown = new StringBuilder();
            int emptySteps = 0;
            for (long id : tokenizer.encode(TEXT)) {
                String delta = decoder.push(id);
                assertThat(delta).doesNotContain("\uFFFD");
                emptySteps += delta.isEmpty() ? 1 : 0;
                shown.append(delta);
            }
            shown.append(decoder.flush());
            assertThat(shown.toString()).isEqualTo(TEXT);
            // Every byte after the first of a multi-byte character was held back once.
            assertThat(emptySteps).isEqualTo(TEXT.getBytes(StandardCharsets.UTF_8).length - TEXT.codePointCount(0, TEXT.length()));
        }
    }
}
