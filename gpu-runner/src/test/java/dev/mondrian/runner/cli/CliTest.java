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

    @Test
    void theRunnerSaysWhatIsMissingOrWrong() {
        assertThat(run("runner")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no --model given, and Mondrian's own model is not at");
        assertThat(run("runner", "--model", dir.toString(), "--functions-url", "ftp://x")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("must be an http(s) URL");
        assertThat(run("runner", "--model", dir.toString(), "--jobs", "0")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("jobs must be at least 1");
        assertThat(run("runner", "--model", dir.toString(), "--update-interval-ms", "soon")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--update-interval-ms (or MONDRIAN_UPDATE_INTERVAL_MS) must be a whole number");
        assertThat(run("runner", "--model", dir.toString(), "--metrics-port", "70000")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("metrics port must be between 1 and 65535, got 70000");
        assertThat(run("runner", "--model", dir.toString(), "--metrics-port", "any")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--metrics-port (or MONDRIAN_METRICS_PORT) must be a whole number");
        assertThat(run("runner", "--model", dir.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("has no config.json");
    }

    @Test
    void aMetricsPortTakenElsewhereStopsTheRunnerWithAMessage() throws Exception {
        TinyDecoder.chat(TinyTokenizerFiles.VOCAB_SIZE).write(dir, SafeTensorsWriter.DType.F32, 1);
        TinyTokenizerFiles.write(dir, false);
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int code = run("runner", "--model", dir.toString(), "--device", "cpu", "--metrics-address", "127.0.0.1",
                    "--metrics-port", String.valueOf(taken.getLocalPort()));
            assertThat(code).isEqualTo(1);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: cannot serve metrics at");
    }

    @Test
    void trainWritesAModelFolderTheEngineLoadsAndEvaluateScoresIt() throws Exception {
        Path model = dir.resolve("trained");
        String advisors = Path.of("..", "functions", "src", "main", "resources", "advisors.json").toString();
        int code = run("train", "--out", model.toString(), "--vision-steps", "2", "--steps", "2", "--batch", "2",
                "--advisors", advisors);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("vision step 2/2").contains("probe right: exposure").contains(" step 2/2").contains("saved");
        assertThat(model.resolve("model.safetensors")).isRegularFile();
        assertThat(java.nio.file.Files.size(model.resolve("model.safetensors"))).isLessThan(25L << 20);
        code = run("evaluate", "--model", model.toString(), "--photos", "2", "--max-tokens", "8", "--advisors", advisors);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("held-out photos: 2").contains("| exposure |");
    }

    @Test
    void flagsFallBackToTheEnvironmentAndWinOverIt() {
        Args args = new Args(java.util.List.of("--jobs", "3"), RunnerCommand.OPTIONS,
                java.util.Map.of("MONDRIAN_JOBS", "2", "MONDRIAN_MODEL", "/models/m", "MONDRIAN_UPDATE_INTERVAL_MS", "250"));
        var options = RunnerCommand.options(args);
        assertThat(options.jobs()).isEqualTo(3);
        assertThat(options.model()).isEqualTo(Path.of("/models/m"));
        assertThat(options.updateInterval()).hasMillis(250);
        assertThat(options.tokenFile()).isEqualTo(Path.of("data", "runner-token"));
        assertThat(options.functionsUrl().toString()).isEqualTo("http://localhost:8080/");
    }
}
