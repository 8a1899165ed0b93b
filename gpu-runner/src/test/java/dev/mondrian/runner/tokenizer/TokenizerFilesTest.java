package dev.mondrian.runner.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mondrian.runner.chat.ChatTemplateSource;
import dev.mondrian.runner.tokenizer.ByteLevelBpe.Merge;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class TokenizerFilesTest {
    @TempDir
    Path dir;

    @Test
    void theConfigPadsWithEndOfTextAndNamesEverySpecialToken() throws Exception {
        ByteLevelBpe bpe = new ByteLevelBpe(List.of(new Merge("Ġ", "t")), TokenizerFiles.SPECIAL_TOKENS);
        TokenizerFiles.write(dir, bpe, "{{ messages }}");
        JsonNode config = JsonMapper.builder().build().readTree(dir.resolve("tokenizer_config.json").toFile());
        assertThat(config.path("pad_token").asString()).isEqualTo("<|endoftext|>");
        assertThat(config.path("clean_up_tokenization_spaces").asBoolean()).isFalse();
        assertThat(config.path("added_tokens_decoder").path("258").path("content").asString()).isEqualTo("<|im_start|>");
        assertThat(ChatTemplateSource.find(dir)).hasValue("{{ messages }}");
    }

    @Test
    void specialTokensWithoutImEndAreRefusedAndNothingIsWritten() {
        ByteLevelBpe bpe = new ByteLevelBpe(List.of(), List.of("<|endoftext|>"));
        assertThatThrownBy(() -> TokenizerFiles.write(dir.resolve("out"), bpe, ""))
                .hasMessageContaining("<|im_end|> is not one of the special tokens [<|endoftext|>]");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void aBpeTheRustLibraryWouldRefuseToLoadIsRefused() {
        assertThatThrownBy(() -> new ByteLevelBpe(List.of(new Merge("a", "bc")), List.of()))
                .hasMessage("merge \"a bc\" joins a token no earlier merge makes");
        assertThatThrownBy(() -> new ByteLevelBpe(List.of(), List.of("<s>", "<s>")))
                .hasMessage("special token <s> is also another token");
    }
}
