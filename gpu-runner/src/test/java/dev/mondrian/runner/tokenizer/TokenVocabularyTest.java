package dev.mondrian.runner.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenVocabularyTest {
    @TempDir
    Path dir;

    @Test
    void unigramVocabListsAndAddedTokensDecoderAreRead() throws Exception {
        Files.writeString(dir.resolve("tokenizer.json"), """
                {"added_tokens": [{"id": 3, "content": "</s>", "special": true}],
                 "model": {"type": "Unigram", "vocab": [["<unk>", 0.0], ["▁a", -1.5], ["b", -2.0], ["</s>", 0.0]]}}
                """);
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"added_tokens_decoder": {"9": {"content": "<extra>", "special": true}}}
                """);
        TokenVocabulary vocabulary = TokenVocabulary.load(dir);
        assertThat(vocabulary.id("▁a")).hasValue(1);
        assertThat(vocabulary.id("</s>")).hasValue(3);
        assertThat(vocabulary.id("<extra>")).hasValue(9);
        assertThat(vocabulary.id("missing")).isEmpty();
        assertThat(vocabulary.size()).isEqualTo(10);
    }

    @Test
    void aFolderWithoutTokenizerJsonIsRefusedClearly() {
        assertThatThrownBy(() -> TokenVocabulary.load(dir)).hasMessageContaining("has no tokenizer.json");
    }
}
