package dev.mondrian.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.runner.model.SafeTensorsWriter;
import dev.mondrian.runner.model.TinyDecoder;
import dev.mondrian.runner.model.TinyModels;
import dev.mondrian.runner.tokenizer.TinyTokenizerFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CliTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return RunnerCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
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

    /** A BF16 folder generates the same text held as stored, widened, or quantized (greedy); a bad --weights is named. */
    @Test
    void generateHoldsWeightsAsAsked() throws Exception {
        TinyDecoder.chat(TinyTokenizerFiles.VOCAB_SIZE).write(dir, SafeTensorsWriter.DType.BF16, 1);
        TinyTokenizerFiles.write(dir, false);
        String[] prompt = {"generate", "--model", dir.toString(), "--prompt", "Critique my photo", "--max-tokens", "9",
                "--temperature", "0", "--device", "cpu", "--weights"};
        assertThat(run(concat(prompt, new String[] {"stored"}))).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String stored = out.toString(StandardCharsets.UTF_8);
        out.reset();
        assertThat(run(concat(prompt, new String[] {"f32"}))).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(stored);
        out.reset();
        assertThat(run(concat(prompt, new String[] {"int8"}))).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isNotBlank();
        err.reset();
        assertThat(run(concat(prompt, new String[] {"fp4"}))).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("weights must be stored, f32 or int8, got 'fp4'");
    }

    /** generate --adapter over the base prints what generate prints over the folder merge-adapter wrote. */
    @Test
    void anAdapterAtRunTimeGeneratesWhatTheMergedFolderGenerates() throws Exception {
        Path base = TinyModels.visionChat(dir.resolve("base"));
        Path adapter = TinyModels.adapter(base, dir.resolve("lora"), 3, true);
        String[] prompt = {"--prompt", "Critique my photo", "--max-tokens", "12", "--temperature", "0", "--device", "cpu"};
        assertThat(run(concat(new String[] {"generate", "--model", base.toString()}, prompt))).isZero();
        String plain = out.toString(StandardCharsets.UTF_8);
        out.reset();
        assertThat(run(concat(new String[] {"generate", "--model", base.toString(), "--adapter", adapter.toString()},
                prompt))).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String adapted = out.toString(StandardCharsets.UTF_8);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("with adapter lora");
        out.reset();
        assertThat(run("merge-adapter", "--model", base.toString(), "--adapter", adapter.toString(), "--out",
                dir.resolve("merged").toString())).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("merged 14 weights into");
        out.reset();
        assertThat(run(concat(new String[] {"generate", "--model", dir.resolve("merged").toString()}, prompt))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(adapted).isNotEqualTo(plain);

        err.reset();
        assertThat(run("merge-adapter", "--model", base.toString(), "--adapter", dir.resolve("absent").toString(),
                "--out", dir.resolve("other").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: ").contains("has no adapter_config.json");
    }

    private static String[] concat(String[] a, String[] b) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b))
                .toArray(String[]::new);
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2_vl", "qwen2_5_vl", "qwen3_vl"})
    void generateLooksAtAPhotoWithEachQwenVlGeneration(String family) throws Exception {
        TinyModels.qwenVisionChat(dir, family);
        Path photo = dir.resolve("photo.png");
        ImageIO.write(new BufferedImage(120, 90, BufferedImage.TYPE_INT_RGB), "png", photo.toFile());
        int code = run("generate", "--model", dir.toString(), "--image", photo.toString(), "--prompt", "Critique my photo",
                "--max-tokens", "6", "--temperature", "0", "--device", "cpu");
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        // The prompt holds the chat turn's text and one token per merged patch of the resized photo.
        Matcher prompt = Pattern.compile("prompt (\\d+) tokens").matcher(err.toString(StandardCharsets.UTF_8));
        assertThat(prompt.find()).as(err.toString(StandardCharsets.UTF_8)).isTrue();
        int textOnly = run("generate", "--model", dir.toString(), "--prompt", "Critique my photo", "--max-tokens", "1",
                "--temperature", "0", "--device", "cpu");
        assertThat(textOnly).isZero();
        Matcher text = Pattern.compile("prompt (\\d+) tokens").matcher(err.toString(StandardCharsets.UTF_8));
        text.find();
        assertThat(text.find()).isTrue();
        assertThat(Integer.parseInt(prompt.group(1))).isGreaterThan(Integer.parseInt(text.group(1)) + 2);
    }

    @Test
    void anUnsupportedArchitectureIsOneMessageNamingTheSupportedOnes() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"architectures\": [\"Gemma3ForCausalLM\"]}");
        assertThat(run("generate", "--model", dir.toString(), "--prompt", "x")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("architecture Gemma3ForCausalLM is not supported; supported: ")
                .contains("Qwen3VLForConditionalGeneration")
                .doesNotContain("\tat ");
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
        assertThat(run("runner", "--model", dir.toString(), "--slots", "0")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--slots must be auto or a whole number from 1, got '0'");
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
    void flagsFallBackToTheEnvironmentAndWinOverIt() {
        Args args = new Args(java.util.List.of("--slots", "3"), RunnerCommand.OPTIONS,
                java.util.Map.of("MONDRIAN_SLOTS", "2", "MONDRIAN_MODEL", "/models/m", "MONDRIAN_UPDATE_INTERVAL_MS", "250"));
        var options = RunnerCommand.options(args);
        assertThat(options.slots()).isEqualTo("3");
        assertThat(options.model()).isEqualTo(Path.of("/models/m"));
        assertThat(options.updateInterval()).hasMillis(250);
        assertThat(options.tokenFile()).isEqualTo(Path.of("data", "runner-token"));
        assertThat(options.functionsUrl().toString()).isEqualTo("http://localhost:8080/");
    }
}
