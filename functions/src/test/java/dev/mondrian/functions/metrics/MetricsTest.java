package dev.mondrian.functions.metrics;

import static dev.mondrian.functions.support.Scrape.delta;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.FakeRunner.Claim;
import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.Scrape;
import dev.mondrian.functions.support.ServiceTest;
import dev.mondrian.functions.support.SseClient;
import dev.mondrian.functions.support.WsClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The service's metrics, scraped at /actuator/prometheus as Prometheus would, move as jobs run through the real
 * runner API; only the admin token may read them. (A lapsed lease is counted in LeaseTest, whose leases are short.)
 */
class MetricsTest extends ServiceTest {
    private static final String PROMETHEUS = "/actuator/prometheus";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private String createJob() {
        Http.Response created = http.multipart("/api/jobs", Http.form("prompt", "text only, please"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("job_id").asString();
    }

    @Test
    void onlyTheAdminTokenReadsTheMetricsAndNoOtherActuatorEndpointIsServed() {
        for (String token : new String[] {null, RUNNER_TOKEN, "wrong"}) {
            Http.Response refused = http.get(PROMETHEUS, token);
            assertThat(refused.status()).as("token %s", token).isEqualTo(401);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            assertThat(refused.error()).isEqualTo("missing or wrong admin token");
        }
        // The path the server routes by is what is guarded, however the request spells it.
        for (String disguised : List.of("/%61ctuator/prometheus", "/actuator;x=1/prometheus", "/actuator/./prometheus",
                "/actuator")) {
            Http.Response refused = http.get(disguised);
            assertThat(refused.status()).as(disguised).isEqualTo(401);
            assertThat(refused.error()).as(disguised).isEqualTo("missing or wrong admin token");
        }
        assertThat(http.postJson("/%66n/claimJob", null, "{}").status()).isEqualTo(401);
        for (String hidden : List.of("/actuator", "/actuator/env", "/actuator/heapdump", "/actuator/health",
                "/actuator/beans")) {
            Http.Response response = http.get(hidden, ADMIN_TOKEN);
            assertThat(response.status()).as(hidden).isEqualTo(404);
            assertThat(response.error()).as(hidden).isNotBlank();
        }
        Http.Response health = http.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).isEqualTo("ok");
        assertThat(health.json().get("database").asString()).isEqualTo("ok");
        assertThat(http.get(PROMETHEUS, ADMIN_TOKEN).headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    }

    @Test
    void aJobRunThroughTheRunnerApiMovesTheCountersGaugesAndTimers() throws Exception {
        Scrape before = metrics();
        String id = createJob();
        Scrape queued = metrics();
        assertThat(delta(before, queued, "mondrian_jobs", "status", "queued")).isEqualTo(1);

        try (SseClient sse = SseClient.open(url("/api/jobs/" + id + "/events"));
             WsClient ws = new WsClient(wsUrl("/api/jobs/" + id + "/ws"))) {
            awaitMetrics(s -> delta(before, s, "mondrian_streams_open", "transport", "sse") == 1
                    && delta(before, s, "mondrian_streams_open", "transport", "websocket") == 1);

            Claim claim = runner.claim(5000);
            assertThat(claim.jobId()).isEqualTo(id);
            Scrape running = metrics();
            assertThat(delta(before, running, "mondrian_jobs_started_total")).isEqualTo(1);
            assertThat(delta(before, running, "mondrian_jobs", "status", "running")).isEqualTo(1);
            assertThat(delta(before, running, "mondrian_jobs", "status", "queued")).isZero();

            assertThat(runner.thinking(claim, "update_seq", 1, "message", "Reading the question", "tokens", 0,
                    "tokens_per_second", 0.0, "prompt_tokens", 20, "elapsed_ms", 5).status()).isEqualTo(200);
            Thread.sleep(150); // the first text comes at least this long after the claim
            assertThat(runner.thinking(claim, "update_seq", 2, "text", "The light ", "tokens", 3,
                    "tokens_per_second", 42.5, "prompt_tokens", 20, "elapsed_ms", 160).status()).isEqualTo(200);
            Scrape generating = metrics();
            assertThat(generating.value("mondrian_tokens_per_second", "runner", "test-runner")).isEqualTo(42.5);
            assertThat(runner.thinking(claim, "update_seq", 3, "text", "is soft.").status()).isEqualTo(200);
            assertThat(runner.complete(claim, "The light is soft.").status()).isEqualTo(200);
            sse.awaitEnd(WAIT);
            assertThat(ws.awaitClose(20)).isEqualTo(1000);
        }

        Scrape after = awaitMetrics(s -> delta(before, s, "mondrian_streams_open", "transport", "sse") == 0
                && delta(before, s, "mondrian_streams_open", "transport", "websocket") == 0);
        assertThat(delta(before, after, "mondrian_jobs_finished_total", "status", "completed")).isEqualTo(1);
        assertThat(delta(before, after, "mondrian_jobs", "status", "running")).isZero();
        assertThat(delta(before, after, "mondrian_jobs", "status", "queued")).isZero();

        // The first text only, once per claim; the completion's speed is the last reported.
        assertThat(delta(before, after, "mondrian_first_token_seconds_count", "runner", "test-runner")).isEqualTo(1);
        assertThat(delta(before, after, "mondrian_first_token_seconds_sum", "runner", "test-runner"))
                .isBetween(0.15, 10.0);
        assertThat(delta(before, after, "mondrian_first_token_seconds_bucket", "runner", "test-runner", "le", "0.1"))
                .isZero();
        assertThat(delta(before, after, "mondrian_first_token_seconds_bucket", "runner", "test-runner", "le", "+Inf"))
                .isEqualTo(1);
        assertThat(after.value("mondrian_tokens_per_second", "runner", "test-runner")).isEqualTo(12.5);

        assertThat(delta(before, after, "mondrian_events_published_total", "type", "status_update")).isEqualTo(3);
        assertThat(delta(before, after, "mondrian_events_published_total", "type", "thinking_update")).isEqualTo(2);
        assertThat(delta(before, after, "mondrian_events_published_total", "type", "token")).isEqualTo(2);
        assertThat(delta(before, after, "mondrian_events_published_total", "type", "analysis_complete")).isEqualTo(1);
        assertThat(delta(before, after, "mondrian_events_published_total", "type", "done")).isEqualTo(1);
        assertThat(after.has("mondrian_events_dropped_total")).isTrue();
        assertThat(delta(before, after, "mondrian_events_dropped_total")).isZero();

        String thinking = "/api/runner/jobs/{id}/thinking";
        String complete = "/api/runner/jobs/{id}/complete";
        String claim = "/api/runner/claim";
        assertThat(delta(before, after, "mondrian_callbacks_seconds_count", "route", claim, "status", "200"))
                .isEqualTo(1);
        assertThat(delta(before, after, "mondrian_callbacks_seconds_count", "route", thinking, "status", "200"))
                .isEqualTo(3);
        assertThat(delta(before, after, "mondrian_callbacks_seconds_count", "route", complete, "status", "200"))
                .isEqualTo(1);
        assertThat(delta(before, after, "mondrian_callbacks_seconds_bucket", "route", complete, "status", "200",
                "le", "+Inf")).isEqualTo(1);
        assertThat(delta(before, after, "mondrian_callbacks_seconds_sum", "route", complete)).isPositive();
        // Client routes are not runner callbacks.
        assertThat(after.has("mondrian_callbacks_seconds_count", "route", "/api/jobs")).isFalse();
    }

    @Test
    void aRefusedCallbackIsTimedWithItsStatus() {
        Scrape before = metrics();
        assertThat(http.postJson("/api/runner/claim", "wrong", "{}").status()).isEqualTo(401);
        assertThat(delta(before, metrics(), "mondrian_callbacks_seconds_count", "route", "/api/runner/claim",
                "status", "401")).isEqualTo(1);
    }

    @Test
    void failedAndCancelledJobsAreCountedOnce() {
        Scrape before = metrics();
        createJob();
        Claim claim = runner.claim(5000);
        assertThat(runner.fail(claim, "the model cannot read this").status()).isEqualTo(200);
        assertThat(runner.fail(claim, "the model cannot read this").json().get("duplicate").asBoolean()).isTrue();
        String cancelled = createJob();
        for (int i = 0; i < 2; i++) {
            assertThat(http.post("/api/jobs/" + cancelled + "/cancel", "application/json", new byte[0]).status())
                    .isEqualTo(200);
        }
        Scrape after = metrics();
        assertThat(delta(before, after, "mondrian_jobs_finished_total", "status", "failed")).isEqualTo(1);
        assertThat(delta(before, after, "mondrian_jobs_finished_total", "status", "cancelled")).isEqualTo(1);
        assertThat(delta(before, after, "mondrian_jobs_finished_total", "status", "completed")).isZero();
    }
}
