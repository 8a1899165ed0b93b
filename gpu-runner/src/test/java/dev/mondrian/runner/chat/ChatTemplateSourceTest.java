package dev.mondrian.runner.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatTemplateSourceTest {
    @TempDir
    Path dir;

    @Test
    void findsTheTemplateWhereTransformersLooksInThatOrder() throws Exception {
        assertThat(ChatTemplateSource.find(dir)).isEmpty();
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"T\"}, {\"name\": \"default\", \"template\": \"D\"}]}");
        assertThat(ChatTemplateSource.find(dir)).hasValue("D");
        Files.writeString(dir.resolve("chat_template.json"), "{\"chat_template\": \"P\"}");
        assertThat(ChatTemplateSource.find(dir)).hasValue("P");
        Files.writeString(dir.resolve("chat_template.jinja"), "J\n");
        assertThat(ChatTemplateSource.find(dir)).hasValue("J\n");
    }

    @Test
    void aPlainStringTemplateAndNoTemplate() throws Exception {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": \"S\"}");
        assertThat(ChatTemplateSource.find(dir)).hasValue("S");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
        assertThat(ChatTemplateSource.find(dir)).isEmpty();
    }
}
