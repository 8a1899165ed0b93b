package dev.mondrian.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.runner.model.SafeTensorsWriter;
import dev.mondrian.runner.model.TinyDecoder;
import dev.mondrian.runner.tokenizer.TinyTokenizerFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void generatePrintsTheTokensThenTheStatistics() throws Exception {
        TinyDecoder.chat(TinyTokenizerFiles.VOCAB_SIZE).write(dir, SafeTensorsWriter.DType.F32, 1);
        TinyTokenizerFiles.write(dir, false);
        int code = run("generate", "--model", dir.toString(), "--prompt", "Critique my photo", "--max-tokens", "9",
                "--temperature", "0", "--device", "cpu");
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isNotBlank();
        assertThat(err.toString(StandardCharsets.UTF_8)).containsPattern("generated 9 tokens at [0-9.]+ tok/s");
    }

    @Test
    void badUsageIsAMessageNotAStackTrace() {
        assertThat(run("generate", "--prompt", "x")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--model is required");
        assertThat(run("generate", "--model", dir.toString(), "--prompt", "x")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("has no config.json");
        assertThat(run("generate", "--bogus", "1")).isEqualTo(2);
        assertThat(run()).isEqualTo(2);
    }
}
