package dev.mondrian.runner.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mondrian.runner.tokenizer.TinyTokenizerFiles;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatMessageTest {
    @Test
    void textTemplatesGetAStringAndPartTemplatesGetImagePartsBeforeTheText() {
        assertThat(ChatMessage.text("user", "Hi").templateView(ContentStyle.TEXT)).isEqualTo(Map.of("role", "user", "content", "Hi"));
        assertThat(new ChatMessage("user", "Hi", 2).templateView(ContentStyle.PARTS)).isEqualTo(Map.of("role", "user", "content",
                List.of(Map.of("type", "image"), Map.of("type", "image"), Map.of("type", "text", "text", "Hi"))));
    }

    @Test
    void imagesForATemplateThatCannotPlaceThemAreRefused() {
        assertThatThrownBy(() -> new ChatMessage("user", "Hi", 1).templateView(ContentStyle.TEXT))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("no place for images");
        assertThatThrownBy(() -> new ChatMessage(" ", "Hi", 0)).hasMessageContaining("needs a role");
        assertThatThrownBy(() -> new ChatMessage("user", "Hi", -1)).hasMessageContaining("images must be 0 or more");
    }

    @Test
    void contentStyleFollowsWhetherTheTemplateLoopsOverContent() {
        assertThat(ContentStyle.of(TinyTokenizerFiles.CHATML_TEMPLATE)).isEqualTo(ContentStyle.TEXT);
        assertThat(ContentStyle.of(TransformersJinjaTest.QWEN25)).isEqualTo(ContentStyle.TEXT); // loops over tool_calls only
        assertThat(ContentStyle.of(TinyTokenizerFiles.VISION_TEMPLATE)).isEqualTo(ContentStyle.PARTS);
        assertThat(ContentStyle.of(TransformersJinjaTest.LLAVA_HF)).isEqualTo(ContentStyle.PARTS);
        assertThat(ContentStyle.of("{%- for c in message.content %}{% endfor %}")).isEqualTo(ContentStyle.PARTS);
    }
}
