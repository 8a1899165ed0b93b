package dev.mondrian.runner.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mondrian.runner.chat.ChatMessage;
import dev.mondrian.runner.chat.ChatTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ModelTokenizer over a byte-level BPE with merges (whole words, whole characters and parts of characters) and its chat templates. */
class ModelTokenizerTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsAsciiAccentsEmojiAndCjk() throws Exception {
        TinyTokenizerFiles.write(dir, false);
        try (ModelTokenizer tokenizer = ModelTokenizer.load(dir)) {
            for (String text : List.of("the cat in the hat", "Héllo, wörld — déjà vu", "ok 👋🏽 🚀!", "世界 中文 丁", "tabs\tand\nlines  ", "")) {
                assertThat(tokenizer.decode(tokenizer.encode(text))).as(text).isEqualTo(text);
            }
        }
    }

    @Test
    void mergesProduceWholeWordAndWholeCharacterTokens() throws Exception {
        TinyTokenizerFiles.write(dir, false);
        try (ModelTokenizer tokenizer = ModelTokenizer.load(dir)) {
            TokenVocabulary vocabulary = TokenVocabulary.load(dir);
            long theWord = vocabulary.id("Ġthe").orElseThrow();
            assertThat(tokenizer.encode(" the")).containsExactly(theWord);
            assertThat(tokenizer.encode("é")).containsExactly(vocabulary.id("Ã©").orElseThrow());
            // 👋 is F0 9F 91 8B: the merged first half, then two single bytes.
            assertThat(tokenizer.encode("👋")).containsExactly(vocabulary.id("ðŁ").orElseThrow(), 0x91, 0x8B);
        }
    }

    @Test
    void specialTokensWrittenInTheTextMapToTheirIds() throws Exception {
        TinyTokenizerFiles.Fixture fixture = TinyTokenizerFiles.write(dir, true);
        try (ModelTokenizer tokenizer = ModelTokenizer.load(dir)) {
            long[] ids = tokenizer.encode("<|im_start|>user\n<image>\nHi<|im_end|><|endoftext|>");
            assertThat(ids[0]).isEqualTo(fixture.imStart());
            assertThat(ids).contains(fixture.image());
            assertThat(ids[ids.length - 2]).isEqualTo(fixture.imEnd());
            assertThat(ids[ids.length - 1]).isEqualTo(fixture.endOfText());
            assertThat(tokenizer.decode(new long[] {fixture.imStart(), 'H', 'i', fixture.imEnd()})).isEqualTo("<|im_start|>Hi<|im_end|>");
            // Nothing added around plain text: the chat template writes every special token itself.
            assertThat(tokenizer.encode("Hi")).containsExactly('H', 'i');
        }
    }

    @Test
    void specialTokensNamesAndEosIds() throws Exception {
        TinyTokenizerFiles.Fixture fixture = TinyTokenizerFiles.write(dir, false);
        try (ModelTokenizer tokenizer = ModelTokenizer.load(dir)) {
            assertThat(tokenizer.eosToken()).isEqualTo("<|im_end|>"); // written as {"content": ...}
            assertThat(tokenizer.bosToken()).isEmpty(); // written as null
            assertThat(tokenizer.eosTokenIds()).containsExactlyInAnyOrderElementsOf(fixture.eosIds());
        }
        TokenVocabulary vocabulary = TokenVocabulary.load(dir);
        assertThat(vocabulary.size()).isEqualTo(fixture.vocabSize()).isEqualTo(TinyTokenizerFiles.VOCAB_SIZE).isLessThanOrEqualTo(300);
        assertThat(vocabulary.id("<|im_end|>")).hasValue(fixture.imEnd());
        assertThat(vocabulary.id("<image>")).hasValue(fixture.image());
    }

    @Test
    void eosIdsAlsoComeFromConfigJsonAsOneNumber() throws Exception {
        TinyTokenizerFiles.Fixture fixture = TinyTokenizerFiles.write(dir, false);
        Files.delete(dir.resolve("generation_config.json"));
        Files.writeString(dir.resolve("config.json"), "{\"eos_token_id\": " + fixture.endOfText() + "}");
        try (ModelTokenizer tokenizer = ModelTokenizer.load(dir)) {
            assertThat(tokenizer.eosTokenIds()).containsExactlyInAnyOrder(fixture.imEnd(), fixture.endOfText());
        }
    }

    @Test
    void theVisionFixturesTemplatePlacesOneImageTokenPerImage() throws Exception {
        TinyTokenizerFiles.write(dir, true);
        try (ModelTokenizer tokenizer = ModelTokenizer.load(dir)) {
            String prompt = tokenizer.chatTemplate().render(List.of(new ChatMessage("user", "What is this?", 1)), true);
            assertThat(prompt).isEqualTo("<|im_start|>user\n<image>\nWhat is this?<|im_end|>\n<|im_start|>assistant\n");
            assertThat(tokenizer.encode(prompt)).containsOnlyOnce(TinyTokenizerFiles.IMAGE);
        }
    }

    @Test
    void tokenIdsVocabularySizeAndTheModelsOwnChatTemplate() throws Exception {
        TinyTokenizerFiles.Fixture fixture = TinyTokenizerFiles.write(dir, false);
        try (ModelTokenizer tokenizer = ModelTokenizer.load(dir)) {
            assertThat(tokenizer.tokenId("<|im_start|>")).hasValue(fixture.imStart());
            assertThat(tokenizer.tokenId("not a token")).isEmpty();
            assertThat(tokenizer.vocabSize()).isEqualTo(fixture.vocabSize());
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
}
