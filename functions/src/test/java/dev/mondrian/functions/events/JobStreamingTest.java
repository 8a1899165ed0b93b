package dev.mondrian.functions.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.FakeRunner.Claim;
import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.ServiceTest;
import dev.mondrian.functions.support.SseClient;
import dev.mondrian.functions.support.SseClient.Frame;
import dev.mondrian.functions.support.TestImages;
import dev.mondrian.functions.support.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class JobStreamingTest extends ServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private String createJob() {
        Http.Response created = http.multipart("/api/jobs", Http.form(
                "image", TestImages.png(64, 48), "prompt", "Critique my photo", "advisor", "ansel", "max_tokens", "100"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("job_id").asString();
    }

    @Test
    void twoSseClientsAndOneWebSocketReceiveTheIdenticalOrderedSequence() throws Exception {
        String id = createJob();
        SseClient first = SseClient.open(url("/api/jobs/" + id + "/events"));
        SseClient second = SseClient.open(url("/api/jobs/" + id + "/events"));
        try (WsClient ws = new WsClient(wsUrl("/api/jobs/" + id + "/ws"))) {
            Claim claim = runner.claim(5000);
            assertThat(claim.jobId()).isEqualTo(id);
            for (int i = 1; i <= 3; i++) {
                assertThat(runner.thinking(claim, "update_seq", i, "tokens", i * 10, "tokens_per_second", 20.0 + i,
                        "prompt_tokens", 30, "elapsed_ms", i * 500, "text", "part" + i + " ").status()).isEqualTo(200);
            }
            assertThat(runner.complete(claim, "part1 part2 part3").status()).isEqualTo(200);

            first.awaitEnd(WAIT);
            second.awaitEnd(WAIT);
            assertThat(ws.awaitClose(20)).isEqualTo(1000);

            List<String> sse = first.frames().stream().map(Frame::data).toList();
            assertThat(second.frames().stream().map(Frame::data).toList()).isEqualTo(sse);
            assertThat(ws.messages()).isEqualTo(sse);
            assertThat(first.frames().stream().map(Frame::id).map(Long::parseLong).toList())
                    .isEqualTo(LongStream.rangeClosed(1, sse.size()).boxed().toList());
            assertThat(first.frames().stream().map(Frame::event).toList()).containsExactly(
                    "status_update", "status_update",
                    "token", "thinking_update", "token", "thinking_update", "token", "thinking_update",
                    "status_update", "analysis_complete", "done");

            List<JsonNode> events = sse.stream().map(Http.JSON::readTree).toList();
            for (JsonNode event : events) {
                assertThat(event.get("job_id").asString()).isEqualTo(id);
                assertThat(event.get("type").asString()).isNotBlank();
            }
            assertThat(events.stream().filter(e -> e.get("type").asString().equals("thinking_update"))
                    .map(e -> e.get("tokens").asInt()).toList()).containsExactly(10, 20, 30);
            assertThat(String.join("", events.stream().filter(e -> e.get("type").asString().equals("token"))
                    .map(e -> e.get("text").asString()).toList())).isEqualTo("part1 part2 part3 ");
            JsonNode complete = events.get(events.size() - 2);
            assertThat(complete.get("analysis").asString()).isEqualTo("part1 part2 part3");
            assertThat(events.getLast().get("status").asString()).isEqualTo("completed");
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void aClientReconnectingWithLastEventIdGetsExactlyWhatItMissed() throws Exception {
        String id = createJob();
        Claim claim = runner.claim(5000);
        runner.thinking(claim, "update_seq", 1, "tokens", 5, "text", "a");
        String lastSeen;
        try (SseClient before = SseClient.open(url("/api/jobs/" + id + "/events"))) {
            lastSeen = before.awaitFrame(f -> f.event().equals("thinking_update"), WAIT).id();
        }
        // While the client is away the job moves on.
        runner.thinking(claim, "update_seq", 2, "tokens", 9, "text", "b");
        runner.thinking(claim, "update_seq", 3, "tokens", 12, "text", "c");

        SseClient resumed = SseClient.resume(url("/api/jobs/" + id + "/events"), lastSeen);
        resumed.awaitFrame(f -> f.event().equals("thinking_update") && f.data().contains("\"tokens\":12"), WAIT);
        runner.complete(claim, "abc");
        resumed.awaitEnd(WAIT);

        SseClient whole = SseClient.open(url("/api/jobs/" + id + "/events")).awaitEnd(WAIT);
        List<Frame> all = whole.frames();
        int cut = Integer.parseInt(lastSeen);
        assertThat(resumed.frames()).isEqualTo(all.subList(cut, all.size()));

        SseClient byQuery = SseClient.open(url("/api/jobs/" + id + "/events?after=" + lastSeen)).awaitEnd(WAIT);
        assertThat(byQuery.frames()).isEqualTo(resumed.frames());
    }

    @Test
    void aClientThatConnectsAfterTheJobFinishedGetsTheWholeLogAndDone() throws Exception {
        String id = createJob();
        Claim claim = runner.claim(5000);
        runner.thinking(claim, "update_seq", 1, "tokens", 3, "text", "xyz");
        runner.complete(claim, "xyz");

        SseClient late = SseClient.open(url("/api/jobs/" + id + "/events")).awaitEnd(WAIT);
        List<String> types = late.frames().stream().map(Frame::event).toList();
        assertThat(types.getFirst()).isEqualTo("status_update");
        assertThat(types.getLast()).isEqualTo("done");
        assertThat(late.frames()).hasSize((int) http.get("/api/jobs/" + id).json().get("last_seq").asLong());

        try (WsClient ws = new WsClient(wsUrl("/api/jobs/" + id + "/ws?after=2"))) {
            assertThat(ws.awaitClose(20)).isEqualTo(1000);
            assertThat(ws.messages()).isEqualTo(late.frames().subList(2, late.frames().size()).stream().map(Frame::data).toList());
        }
    }

    @Test
    void idleStreamsCarryKeepAliveComments() throws Exception {
        String id = createJob();
        try (SseClient idle = SseClient.open(url("/api/jobs/" + id + "/events"))) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!idle.comments().contains("keep-alive") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(idle.comments()).contains("keep-alive");
            assertThat(idle.ended()).isFalse();
        }
    }

    @Test
    void aRetriedUpdateIsAppliedOnce() throws Exception {
        String id = createJob();
        Claim claim = runner.claim(5000);
        assertThat(runner.thinking(claim, "update_seq", 1, "tokens", 4, "text", "once").json().get("duplicate").asBoolean()).isFalse();
        assertThat(runner.thinking(claim, "update_seq", 1, "tokens", 4, "text", "once").json().get("duplicate").asBoolean()).isTrue();
        runner.complete(claim, "once");
        SseClient all = SseClient.open(url("/api/jobs/" + id + "/events")).awaitEnd(WAIT);
        assertThat(all.frames().stream().filter(f -> f.event().equals("token")).toList()).hasSize(1);
    }

    @Test
    void cancellingARunningJobEndsTheStreamAndRefusesTheRunner() throws Exception {
        String id = createJob();
        Claim claim = runner.claim(5000);
        SseClient watcher = SseClient.open(url("/api/jobs/" + id + "/events"));
        Http.Response cancelled = http.post("/api/jobs/" + id + "/cancel", "application/json", new byte[0]);
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asString()).isEqualTo("cancelled");
        watcher.awaitEnd(WAIT);
        assertThat(watcher.frames().getLast().data()).contains("\"status\":\"cancelled\"");

        Http.Response refused = runner.thinking(claim, "update_seq", 1, "tokens", 1, "text", "late");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.error()).contains("cancelled");
        assertThat(runner.complete(claim, "late").status()).isEqualTo(409);
        // Cancelling twice is fine; the job stays cancelled.
        assertThat(http.post("/api/jobs/" + id + "/cancel", "application/json", new byte[0]).status()).isEqualTo(200);
    }

    @Test
    void theRunnerFetchesTheUploadedImageWithItsToken() {
        byte[] image = TestImages.jpeg(80, 60);
        String id = http.multipart("/api/jobs", Http.form("image", image)).json().get("job_id").asString();
        Claim claim = runner.claim(5000);
        assertThat(claim.body().get("image").get("content_type").asString()).isEqualTo("image/jpeg");
        assertThat(claim.body().get("image").get("width").asInt()).isEqualTo(80);
        assertThat(claim.body().get("advisor").get("id").asString()).isEqualTo("ansel");
        Http.Response fetched = http.get(claim.body().get("image").get("url").asString(), RUNNER_TOKEN);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.body().length()).isGreaterThan(0);
        assertThat(http.get("/api/runner/jobs/" + id + "/image").status()).isEqualTo(401);
        runner.complete(claim, "done");
    }

    /** The form's fields as JSON, the image in base64: as AWS Lambda takes a job, the server takes it too. */
    @Test
    void aJobIsCreatedFromJsonAsFromTheForm() {
        byte[] png = TestImages.png(40, 30);
        Http.Response created = http.postJson("/api/jobs", null, Map.of("prompt", "From JSON", "max_tokens", 64,
                "image", java.util.Base64.getEncoder().encodeToString(png)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location").orElseThrow()).isEqualTo(created.json().get("links").get("self").asString());
        JsonNode job = http.get("/api/jobs/" + created.json().get("job_id").asString()).json();
        assertThat(job.get("max_tokens").asInt()).isEqualTo(64);
        assertThat(job.get("has_image").asBoolean()).isTrue();
        Http.Response empty = http.post("/api/jobs", "application/json", new byte[0]);
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().get("error").asString()).isEqualTo("a JSON request body is required");
        Http.Response upload = http.postJson("/api/uploads", null, Map.of("size", 10));
        assertThat(upload.status()).isEqualTo(404);
        assertThat(upload.json().get("error").asString()).contains("mondrian.upload-bucket");
    }

    @Test
    void theAdvisorsAreListed() {
        List<String> seen = new ArrayList<>();
        http.get("/api/advisors").json().forEach(a -> seen.add(a.get("id").asString()));
        assertThat(seen).hasSizeGreaterThanOrEqualTo(3).contains("ansel");
    }
}
