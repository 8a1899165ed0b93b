package dev.mondrian.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.FakeRunner.Claim;
import dev.mondrian.functions.support.ServiceTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's one-minute tour, run as written (with bash and curl) against a started service, a runner played
 * meanwhile: so the first commands a newcomer types cannot drift from what the service answers.
 */
class ReadmeTourTest extends ServiceTest {
    private static final Pattern TOUR = Pattern.compile("## A one-minute tour\\n.*?```sh\\n(.*?)```", Pattern.DOTALL);

    @Test
    void theToursCommandsCreateAJobStreamItAndReadTheAnalysis() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher tour = TOUR.matcher(readme);
        assertThat(tour.find()).as("README.md has a one-minute tour in a sh block").isTrue();
        String script = "set -euo pipefail\n" + tour.group(1).replace("http://localhost:8080", "http://127.0.0.1:" + port);

        CompletableFuture<Void> played = CompletableFuture.runAsync(() -> {
            Claim claim = runner.claim(20_000);
            assertThat(runner.thinking(claim, "update_seq", 1, "tokens", 7, "tokens_per_second", 14.0,
                    "text", "Strong street photos ").status()).isEqualTo(200);
            assertThat(runner.complete(claim, "Strong street photos catch a moment.").status()).isEqualTo(200);
        });
        Process bash = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        assertThat(bash.waitFor(60, TimeUnit.SECONDS)).as("the tour ends").isTrue();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        played.get(10, TimeUnit.SECONDS);

        assertThat(bash.exitValue()).as(output).isZero();
        assertThat(output).contains("event: token", "Strong street photos ", "event: done")
                .contains("\"status\":\"completed\"", "\"analysis\":\"Strong street photos catch a moment.\"");
    }
}
