package dev.mondrian.functions.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mondrian.functions.support.FakeRunner;
import dev.mondrian.functions.support.FakeRunner.Claim;
import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.ServiceProcess;
import dev.mondrian.functions.support.ServiceTest;
import dev.mondrian.functions.support.SseClient;
import dev.mondrian.functions.support.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The service as a process with {@code --mondrian.log-format=json} (debug lines and Spring's request logging on):
 * every line it writes is one JSON object, the lines about a job carry its {@code job_id} and those about a runner its
 * {@code runner_id} as fields, and neither a bearer token nor image bytes reach the log.
 */
class JsonLogsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void everyLineIsAJsonObjectAndJobLinesCarryTheJobAndRunnerIds() throws Exception {
        String photoJob;
        String lostJob;
        try (ServiceProcess service = new ServiceProcess(dir, List.of("--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "dev.mondrian.functions.MondrianApplication"),
                List.of("--mondrian.log-format=json", "--mondrian.lease-duration=2s", "--logging.level.dev.mondrian=DEBUG",
                        "--logging.level.org.springframework.web=DEBUG")).start()) {
            Http http = new Http(service.base());
            FakeRunner runner = new FakeRunner(http, ServiceTest.RUNNER_TOKEN);
            photoJob = http.multipart("/api/jobs", Http.form("image", TestImages.png(64, 48), "prompt", "How is the light?"))
                    .json().get("job_id").asString();
            Claim claim = runner.claim(5000);
            assertThat(runner.thinking(claim, "update_seq", 1, "text", "Soft. ", "tokens", 2).status()).isEqualTo(200);
            assertThat(http.get("/api/runner/jobs/" + photoJob + "/image", ServiceTest.RUNNER_TOKEN).status()).isEqualTo(200);
            assertThat(runner.complete(claim, "Soft light.").status()).isEqualTo(200);

            // A runner that goes silent: the lease expires, the job is re-queued, claimed again and handed back.
            lostJob = http.multipart("/api/jobs", Http.form("prompt", "And the shadows?")).json().get("job_id").asString();
            runner.claim(5000);
            // A client that leaves a stream: the service notices at its next keep-alive, on the stream's own drain.
            try (SseClient stream = SseClient.open(service.base() + "/api/jobs/" + lostJob + "/events")) {
                stream.awaitFrame(frame -> frame.event().equals("status_update"), WAIT);
            }
            Claim again = runner.claim(10_000);
            assertThat(again.jobId()).isEqualTo(lostJob);
            assertThat(runner.release(again, "stopping").status()).isEqualTo(200);
            awaitLine(service.log(), line -> line.contains("client went away"));
        }

        String text = Files.readString(dir.resolve("service.log"));
        assertThat(text).doesNotContain(ServiceTest.RUNNER_TOKEN).doesNotContain(ServiceTest.ADMIN_TOKEN)
                .doesNotContain("IHDR"); // every PNG carries this chunk name
        List<JsonNode> lines = parse(text);
        assertThat(lines).allSatisfy(line -> assertThat(line.has("@timestamp") && line.has("level") && line.has("message"))
                .as(line.toString()).isTrue());
        List<JsonNode> ours = lines.stream().filter(line -> line.get("logger_name").asString().startsWith("dev.mondrian")).toList();
        for (String job : List.of(photoJob, lostJob)) {
            List<JsonNode> about = ours.stream().filter(line -> line.get("message").asString().contains(job)).toList();
            assertThat(about).as("lines about job %s", job).isNotEmpty()
                    .allSatisfy(line -> assertThat(field(line, "job_id")).as(line.toString()).isEqualTo(job));
        }
        List<JsonNode> aboutTheRunner = ours.stream().filter(line -> line.get("message").asString().contains("test-runner")).toList();
        assertThat(aboutTheRunner).extracting(line -> line.get("message").asString())
                .anyMatch(message -> message.contains("claimed by runner"))
                .anyMatch(message -> message.contains("expired; re-queued"))
                .anyMatch(message -> message.contains("released by runner"));
        assertThat(aboutTheRunner).allSatisfy(line -> assertThat(field(line, "runner_id")).isEqualTo("test-runner"));
        assertThat(ours).filteredOn(line -> line.get("message").asString().contains("client went away"))
                .allSatisfy(line -> assertThat(field(line, "job_id")).isEqualTo(lostJob)).isNotEmpty();
    }

    private static String field(JsonNode line, String name) {
        return line.has(name) ? line.get(name).asString() : null;
    }

    private static List<JsonNode> parse(String text) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            try {
                JsonNode node = Http.JSON.readTree(line);
                assertThat(node.isObject()).as(line).isTrue();
                lines.add(node);
            } catch (JacksonException e) {
                fail("not a JSON object: " + line);
            }
        }
        return lines;
    }

    private static void awaitLine(Path log, Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.readString(log).lines().anyMatch(condition)) {
                return;
            }
            Thread.sleep(100);
        }
        fail("no such line in the service's log within " + WAIT);
    }
}
