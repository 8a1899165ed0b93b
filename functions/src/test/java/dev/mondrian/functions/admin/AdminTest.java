package dev.mondrian.functions.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.FakeRunner.Claim;
import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.ServiceTest;
import dev.mondrian.functions.support.SseClient;
import dev.mondrian.functions.support.SseClient.Frame;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The operator's routes: the listing of all jobs and its live stream, both behind the admin token. */
class AdminTest extends ServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private String createJob(String prompt) {
        Http.Response created = http.multipart("/api/jobs", Http.form("prompt", prompt, "max_tokens", "200"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("job_id").asString();
    }

    @Test
    void everyAdminRouteRefusesAMissingOrWrongTokenWithJson() {
        for (String path : new String[] {"/api/jobs", "/api/admin/events"}) {
            for (String token : new String[] {null, "wrong", RUNNER_TOKEN, ADMIN_TOKEN + "x", " "}) {
                Http.Response response = http.get(path, token);
                assertThat(response.status()).as("%s with %s: %s", path, token, response.body()).isEqualTo(401);
                assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/json"));
                assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
                assertThat(response.error()).isEqualTo("missing or wrong admin token");
            }
        }
        Http.Response badLimit = http.get("/api/admin/events?limit=0", ADMIN_TOKEN);
        assertThat(badLimit.status()).as(badLimit.body()).isEqualTo(400);
        assertThat(badLimit.error()).contains("limit must be between 1 and 500");
    }

    @Test
    void theListingShowsTheRunnerAndWhenEachJobLastChanged() {
        String id = createJob("listed");
        Claim claim = runner.claim(5000);
        assertThat(claim.jobId()).isEqualTo(id);
        assertThat(runner.thinking(claim, "update_seq", 1, "tokens", 9, "tokens_per_second", 18.5).status())
                .isEqualTo(200);

        JsonNode row = find(http.get("/api/jobs?limit=500", ADMIN_TOKEN).json(), id);
        assertThat(row.get("status").asString()).isEqualTo("running");
        assertThat(row.get("runner_id").asString()).isEqualTo("test-runner");
        assertThat(row.get("attempts").asInt()).isEqualTo(1);
        assertThat(row.get("tokens").asInt()).isEqualTo(9);
        assertThat(row.get("tokens_per_second").asDouble()).isEqualTo(18.5);
        assertThat(row.get("updated_at").asLong()).isGreaterThanOrEqualTo(row.get("created_at").asLong());
        // Beside those, everything a client sees of the job.
        assertThat(row.get("links").get("self").asString()).isEqualTo("/api/jobs/" + id);
        assertThat(row.get("max_tokens").asInt()).isEqualTo(200);
    }

    @Test
    void theStreamDeliversEveryChangeOfAJobCreatedAfterItSubscribed() throws Exception {
        try (SseClient stream = SseClient.withToken(url("/api/admin/events?limit=5"), ADMIN_TOKEN)) {
            Frame first = stream.awaitFrame(f -> f.event().equals("jobs"), WAIT);
            assertThat(stream.status()).isEqualTo(200);
            assertThat(Http.JSON.readTree(first.data()).isArray()).isTrue();

            String id = createJob("watched by the operator");
            JsonNode queued = awaitRow(stream, id, row -> row.get("status").asString().equals("queued"));
            assertThat(queued.get("runner_id").isNull()).isTrue();
            assertThat(queued.get("attempts").asInt()).isZero();

            Claim claim = runner.claim(5000);
            assertThat(claim.jobId()).isEqualTo(id);
            assertThat(runner.thinking(claim, "update_seq", 1, "tokens", 12, "tokens_per_second", 24.5,
                    "elapsed_ms", 490, "text", "so far ").status()).isEqualTo(200);
            JsonNode running = awaitRow(stream, id, row -> row.get("tokens").asInt() == 12);
            assertThat(running.get("status").asString()).isEqualTo("running");
            assertThat(running.get("runner_id").asString()).isEqualTo("test-runner");
            assertThat(running.get("attempts").asInt()).isEqualTo(1);
            assertThat(running.get("tokens_per_second").asDouble()).isEqualTo(24.5);
            assertThat(running.get("elapsed_ms").asLong()).isEqualTo(490);
            assertThat(running.get("updated_at").asLong()).isGreaterThanOrEqualTo(queued.get("updated_at").asLong());

            assertThat(runner.fail(claim, "the model ran out of memory").status()).isEqualTo(200);
            JsonNode failed = awaitRow(stream, id, row -> row.get("status").asString().equals("failed"));
            assertThat(failed.get("error").asString()).isEqualTo("the model ran out of memory");
            assertThat(failed.get("finished_at").asLong()).isGreaterThanOrEqualTo(failed.get("created_at").asLong());
            assertThat(stream.frames()).allSatisfy(frame -> assertThat(frame.id()).as("frames carry no id").isNull());
        }
    }

    private static JsonNode awaitRow(SseClient stream, String id, Predicate<JsonNode> condition) throws InterruptedException {
        Frame frame = stream.awaitFrame(f -> f.event().equals("job") && isRow(f.data(), id, condition), WAIT);
        return Http.JSON.readTree(frame.data());
    }

    private static boolean isRow(String data, String id, Predicate<JsonNode> condition) {
        JsonNode row = Http.JSON.readTree(data);
        return row.get("job_id").asString().equals(id) && condition.test(row);
    }

    private static JsonNode find(JsonNode rows, String id) {
        for (JsonNode row : rows) {
            if (row.get("job_id").asString().equals(id)) {
                return row;
            }
        }
        throw new AssertionError("job " + id + " is not listed: " + rows);
    }
}
