package dev.mondrian.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.runner.service.RunnerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The systemd unit, its environment file and the container file in infra/runner start the runner this build
 * makes: the same launch line, a command and settings the runner knows, and time enough to drain on stop.
 */
class RunnerDeploymentFilesTest {
    private static final Path DIR = Path.of("..", "infra", "runner");
    private static final List<String> LAUNCH = List.of("--enable-native-access=ALL-UNNAMED", "--add-modules",
            "jdk.incubator.vector", "-Dai.djl.offline=true", "-XX:+UseSerialGC", "-Xmn24m", "-XX:SurvivorRatio=4",
            "-XX:TargetSurvivorRatio=90", "-cp", "/opt/mondrian/runner/lib/*", "dev.mondrian.runner.Main", "runner");

    @Test
    void theUnitAndTheContainerLaunchTheRunnerAlike() throws Exception {
        String exec = line(unit(), "ExecStart");
        assertThat(Arrays.asList(exec.split(" "))).containsExactlyElementsOf(concat("/usr/bin/java", LAUNCH));
        List<String> entrypoint = List.of(JsonMapper.builder().build()
                .readValue(line(containerfile(), "ENTRYPOINT"), String[].class));
        assertThat(entrypoint).containsExactlyElementsOf(concat("java", LAUNCH));
        assertThat(Class.forName(LAUNCH.get(LAUNCH.size() - 2)).getMethod("main", String[].class)).isNotNull();
    }

    @Test
    void everySettingIsOneTheRunnerReadsAndTheyMakeValidOptions() throws Exception {
        Map<String, String> env = new HashMap<>();
        for (String entry : Files.readAllLines(DIR.resolve("runner.env"))) {
            if (!entry.isBlank() && !entry.startsWith("#")) {
                env.put(entry.substring(0, entry.indexOf('=')), entry.substring(entry.indexOf('=') + 1));
            }
        }
        Matcher containerEnv = Pattern.compile("(MONDRIAN_[A-Z_]+)=(\\S+)").matcher(containerfile());
        while (containerEnv.find()) {
            env.put(containerEnv.group(1), containerEnv.group(2));
        }
        assertThat(env).isNotEmpty();
        for (String name : env.keySet()) {
            assertThat(RunnerCommand.OPTIONS.stream().map(Args::envName)).as(name).contains(name);
        }
        RunnerOptions options = RunnerCommand.options(new Args(List.of(), RunnerCommand.OPTIONS, env));
        assertThat(options.device()).isEqualTo("gpu");
        assertThat(options.model()).isEqualTo(Path.of("/opt/mondrian/runner/model"));
    }

    @Test
    void systemdWaitsLongerThanTheRunnerDrains() throws Exception {
        RunnerOptions defaults = RunnerCommand.options(new Args(List.of("--model", "m"), RunnerCommand.OPTIONS, Map.of()));
        long stopSeconds = Long.parseLong(line(unit(), "TimeoutStopSec"));
        assertThat(stopSeconds).isGreaterThan(defaults.drainTimeout().toSeconds() + 10);
        assertThat(line(unit(), "KillSignal")).isEqualTo("SIGTERM");
    }

    private static String unit() throws IOException {
        return Files.readString(DIR.resolve("mondrian-runner.service"));
    }

    private static String containerfile() throws IOException {
        return Files.readString(DIR.resolve("Containerfile"));
    }

    /** The value of the one line that starts with {@code key=} (unit) or {@code key } (container file). */
    private static String line(String file, String key) {
        List<String> lines = file.lines().filter(l -> l.startsWith(key + "=") || l.startsWith(key + " ")).toList();
        assertThat(lines).as(key).hasSize(1);
        return lines.getFirst().substring(key.length() + 1).strip();
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new java.util.ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }
}
