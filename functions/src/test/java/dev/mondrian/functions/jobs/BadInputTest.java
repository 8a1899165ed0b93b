package dev.mondrian.functions.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.FakeRunner.Claim;
import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.ServiceTest;
import dev.mondrian.functions.support.SseClient;
import dev.mondrian.functions.support.TestImages;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** Every bad input gets a clear 4xx JSON error, and nothing is stored. */
@TestPropertySource(properties = {"mondrian.max-upload-size=1MB", "mondrian.max-image-pixels=4000000"})
class BadInputTest extends ServiceTest {

    private void assertRefused(int status, String messagePart, Supplier<Http.Response> request) {
        long jobs = count("SELECT COUNT(*) FROM jobs");
        long images = count("SELECT COUNT(*) FROM images");
        long events = count("SELECT COUNT(*) FROM job_events");
        Http.Response response = request.get();
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(response.error()).containsIgnoringCase(messagePart);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at dev.");
        assertThat(count("SELECT COUNT(*) FROM jobs")).isEqualTo(jobs);
        assertThat(count("SELECT COUNT(*) FROM images")).isEqualTo(images);
        assertThat(count("SELECT COUNT(*) FROM job_events")).isEqualTo(events);
    }

    @Test
    void neitherImageNorPrompt() {
        assertRefused(400, "image, a prompt", () -> http.multipart("/api/jobs", Http.form("advisor", "ansel")));
        assertRefused(400, "image, a prompt", () -> http.multipart("/api/jobs", Http.form("prompt", "   ")));
    }

    @Test
    void bytesThatAreNotAnImage() {
        byte[] text = "#!/bin/sh\necho definitely not a picture\n".getBytes(StandardCharsets.UTF_8);
        assertRefused(415, "not a JPEG, PNG, GIF or BMP", () -> http.multipart("/api/jobs", Http.form("image", text)));
        byte[] truncated = Arrays.copyOf(TestImages.png(32, 32), 12);
        assertRefused(415, "cannot be read", () -> http.multipart("/api/jobs", Http.form("image", truncated)));
    }

    @Test
    void anImageOverTheSizeLimit() {
        byte[] big = new byte[1024 * 1024 + 100];
        byte[] png = TestImages.png(16, 16);
        System.arraycopy(png, 0, big, 0, png.length);
        assertRefused(413, "size limit", () -> http.multipart("/api/jobs", Http.form("image", big, "prompt", "hi")));
        byte[] huge = new byte[3 * 1024 * 1024];
        assertRefused(413, "size limit", () -> http.multipart("/api/jobs", Http.form("image", huge)));
    }

    /** A form declared over the limit is refused before its body is read: the client never sends the photo. */
    @Test
    void aFormDeclaredOverTheLimitIsRefusedBeforeItsBodyIsSent() {
        long jobs = count("SELECT COUNT(*) FROM jobs");
        Map.Entry<Http.Response, Boolean> answer = http.declaredUpload("/api/jobs", 3 * 1024 * 1024);
        assertThat(answer.getKey().status()).isEqualTo(413);
        assertThat(answer.getKey().error()).isEqualTo("upload exceeds the size limit");
        assertThat(answer.getValue()).as("the body was asked for").isFalse();
        assertThat(count("SELECT COUNT(*) FROM jobs")).isEqualTo(jobs);
    }

    @Test
    void aDecompressionBomb() {
        assertRefused(413, "50000x50000 pixels", () -> http.multipart("/api/jobs",
                Http.form("image", TestImages.pngClaiming(50_000, 50_000))));
    }

    @Test
    void aSliverNoVisionModelCanTake() {
        assertRefused(400, "at most 200 times its shorter one", () -> http.multipart("/api/jobs",
                Http.form("image", TestImages.png(402, 2))));
    }

    @Test
    void invalidParameters() {
        String[][] cases = {
                {"max_tokens", "0", "max_tokens must be between 1"},
                {"max_tokens", "-5", "max_tokens must be between 1"},
                {"max_tokens", "lots", "max_tokens must be a whole number"},
                {"temperature", "50", "temperature must be between 0"},
                {"temperature", "NaN", "temperature must be between 0"},
                {"temperature", "-0.1", "temperature must be between 0"},
                {"update_interval_ms", "5", "update_interval_ms must be between 100"},
                {"advisor", "nobody", "unknown advisor 'nobody'"},
                {"mode", "<script>", "mode must be"},
        };
        for (String[] c : cases) {
            assertRefused(400, c[2], () -> http.multipart("/api/jobs", Http.form("prompt", "hello", c[0], c[1])));
        }
        assertRefused(400, "prompt is", () -> http.multipart("/api/jobs", Http.form("prompt", "x".repeat(8001))));
    }

    @Test
    void aBodyThatIsNeitherAFormNorJson() {
        assertRefused(415, "not accepted", () -> http.post("/api/jobs", "text/plain", "prompt=hi".getBytes(StandardCharsets.UTF_8)));
        assertRefused(400, "not valid JSON", () -> http.postJson("/api/jobs", null, "[\"prompt\", \"hi\"]"));
        assertRefused(400, "unknown advisor", () -> http.postJson("/api/jobs", null, Map.of("prompt", "hi", "advisor", "x")));
        assertRefused(400, "multipart", () -> http.post("/api/jobs", "multipart/form-data; boundary=zzz",
                "--zzz\r\nbroken".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void malformedOrMistypedRunnerJson() {
        String id = http.multipart("/api/jobs", Http.form("prompt", "hi")).json().get("job_id").asString();
        Claim claim = runner.claim(5000);
        assertRefused(400, "not valid JSON", () -> http.putJson("/api/jobs/" + id + "/thinking", RUNNER_TOKEN, "{\"lease_id\": "));
        assertRefused(400, "not valid JSON", () -> http.putJson("/api/jobs/" + id + "/thinking", RUNNER_TOKEN,
                claim.lease("tokens", "many")));
        assertRefused(400, "lease_id and lease_epoch", () -> http.putJson("/api/jobs/" + id + "/thinking", RUNNER_TOKEN,
                Map.of("text", "no lease")));
        assertRefused(400, "must not be negative", () -> runner.thinking(claim, "tokens", -1));
        assertRefused(400, "text is", () -> runner.thinking(claim, "text", "x".repeat(70_000)));
        assertRefused(400, "analysis is required", () -> http.postJson("/api/runner/jobs/" + id + "/complete",
                RUNNER_TOKEN, claim.lease()));
        assertRefused(400, "error is required", () -> http.postJson("/api/runner/jobs/" + id + "/fail",
                RUNNER_TOKEN, claim.lease()));
        assertRefused(400, "wait_ms", () -> http.postJson("/api/runner/claim", RUNNER_TOKEN, Map.of("wait_ms", -1)));
        assertRefused(400, "not valid JSON", () -> http.postJson("/api/runner/claim", RUNNER_TOKEN, "[1,2"));
    }

    @Test
    void unknownJobs() throws Exception {
        String missing = "0123456789abcdef0123456789abcdef";
        assertRefused(404, "no job", () -> http.get("/api/jobs/" + missing));
        assertRefused(404, "no job", () -> http.post("/api/jobs/" + missing + "/cancel", "application/json", new byte[0]));
        assertRefused(404, "no job", () -> http.get("/api/jobs/" + missing + "/events"));
        assertRefused(404, "no job", () -> http.putJson("/api/jobs/" + missing + "/thinking", RUNNER_TOKEN,
                Map.of("lease_id", "x", "lease_epoch", 1)));
        assertRefused(404, "no job", () -> http.postJson("/api/runner/jobs/" + missing + "/heartbeat", RUNNER_TOKEN,
                Map.of("lease_id", "x", "lease_epoch", 1)));
        assertRefused(404, "no such route", () -> http.get("/api/nothing-here"));
        try (SseClient sse = SseClient.open(url("/api/jobs/" + missing + "/events"))) {
            sse.awaitEnd(java.time.Duration.ofSeconds(10));
            assertThat(sse.status()).isEqualTo(404);
        }
    }

    @Test
    void aBadResumePoint() {
        String id = http.multipart("/api/jobs", Http.form("prompt", "hi")).json().get("job_id").asString();
        assertRefused(400, "after must be a non-negative", () -> http.get("/api/jobs/" + id + "/events?after=-3"));
        assertRefused(400, "after must be a non-negative", () -> http.get("/api/jobs/" + id + "/events?after=soon"));
    }

    @Test
    void aPlainRequestToTheWebSocketRoute() {
        String id = http.multipart("/api/jobs", Http.form("prompt", "p")).json().get("job_id").asString();
        assertRefused(400, "connect with a WebSocket client", () -> http.get("/api/jobs/" + id + "/ws"));
    }

    @Test
    void listingJobsNeedsTheAdminToken() {
        assertRefused(401, "admin token", () -> http.get("/api/jobs"));
        assertRefused(401, "admin token", () -> http.get("/api/jobs", RUNNER_TOKEN));
        assertThat(http.get("/api/jobs?limit=5", ADMIN_TOKEN).status()).isEqualTo(200);
        assertRefused(400, "limit must be between", () -> http.get("/api/jobs?limit=0", ADMIN_TOKEN));
        assertRefused(400, "wrong type", () -> http.get("/api/jobs?limit=ten", ADMIN_TOKEN));
    }

    @Test
    void aCompletedJobCannotBeCancelled() {
        String id = http.multipart("/api/jobs", Http.form("prompt", "hi")).json().get("job_id").asString();
        Claim claim = runner.claim(5000);
        runner.complete(claim, "fine");
        assertRefused(409, "already completed", () -> http.post("/api/jobs/" + id + "/cancel", "application/json", new byte[0]));
    }
}
