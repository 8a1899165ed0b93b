package dev.mondrian.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerCliTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return TrainerCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void trainWritesAModelFolderTheEngineLoadsAndEvaluateScoresIt() throws Exception {
        Path model = dir.resolve("trained");
        int code = run("train", "--out", model.toString(), "--vision-steps", "2", "--steps", "2", "--batch", "2");
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("vision step 2/2").contains("probe right: exposure").contains(" step 2/2").contains("saved");
        assertThat(model.resolve("model.safetensors")).isRegularFile();
        assertThat(java.nio.file.Files.size(model.resolve("model.safetensors"))).isLessThan(25L << 20);
        code = run("evaluate", "--model", model.toString(), "--photos", "2", "--drawn", "2", "--max-tokens", "8");
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("held-out photos: 2").contains("| exposure |")
                .contains("adapters: none").containsPattern("voice: .* in [0-9.]+% \\([0-2] of 2\\)")
                .containsPattern("\\| exposure \\| [0-9.]+% \\| [0-9.]+% \\| [0-2] \\|").contains("drawn photos: 2")
                .contains("| as drawn | the critique right | the meter right |")
                .containsPattern("\\| horizon \\| [0-9.]+% \\| [0-9.]+% \\|");

        // An advisor's adapter on the trained folder: into adapters/ansel, which evaluate --adapters then uses.
        code = run("train-advisor", "--advisor", "ansel", "--model", model.toString(), "--steps", "2", "--batch", "2");
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        Path adapter = model.resolve("adapters").resolve("ansel");
        assertThat(adapter.resolve("adapter_model.safetensors")).isRegularFile();
        assertThat(java.nio.file.Files.readString(adapter.resolve("training.json")))
                .contains("./mondrian train-advisor ansel").contains("\"final_loss\"")
                .contains("--modules q_proj,v_proj").contains("\"modules\": [\"q_proj\", \"v_proj\"]");
        assertThat(java.nio.file.Files.readString(adapter.resolve("adapter_config.json")))
                .as("by default the attention's q and v, as PEFT adapts a Qwen2")
                .contains("\"target_modules\": [\"q_proj\", \"v_proj\"]");
        out.reset();
        code = run("evaluate", "--model", model.toString(), "--photos", "2", "--max-tokens", "8",
                "--adapters", model.resolve("adapters").toString());
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("adapters: [ansel]")
                .as("the same photos without adapters, compared photo by photo")
                .containsPattern("without adapters, the same photos: voice named in [0-9.]+% \\([0-2] of 2\\)")
                .containsPattern("\\| sharpness \\| [0-2] \\| [0-2] \\| [0-2] \\| [0-2] \\| [0-9.]+ \\|")
                .containsPattern("\\| all nine \\| [0-9]+ \\| [0-9]+ \\| [0-9]+ \\| [0-9]+ \\| [0-9.e-]+ \\|")
                .containsPattern("(no property is stated right less often|stated right less often) with the adapters");
        // One on every projection of the decoder, and one on a module there is not.
        code = run("train-advisor", "--advisor", "okeefe", "--model", model.toString(), "--steps", "1", "--batch", "2",
                "--modules", "all");
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        Path everyProjection = model.resolve("adapters").resolve("okeefe");
        assertThat(java.nio.file.Files.readString(everyProjection.resolve("adapter_config.json")))
                .contains("\"target_modules\": [\"down_proj\", \"gate_proj\", \"k_proj\", \"o_proj\", \"q_proj\", "
                        + "\"up_proj\", \"v_proj\"]");
        assertThat(run("train-advisor", "--advisor", "cartier", "--model", model.toString(), "--steps", "1",
                "--modules", "q_proj,wrong_proj")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("no weight of the model is in a module named [wrong_proj]").contains("down_proj");
        assertThat(model.resolve("adapters").resolve("cartier")).as("nothing written for a refused run").doesNotExist();
        assertThat(run("train-advisor", "--advisor", "ansel", "--model", model.toString(), "--steps", "1")).as("an adapter is not overwritten").isEqualTo(2);
        assertThat(run("train-advisor", "--advisor", "nobody", "--model", model.toString()))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no advisor 'nobody' to train");
    }

    @Test
    void anUnknownCommandPrintsTheTrainersUsage() {
        assertThat(run("generate")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("train-advisor --advisor NAME").doesNotContain("runner   --model");
    }
}
