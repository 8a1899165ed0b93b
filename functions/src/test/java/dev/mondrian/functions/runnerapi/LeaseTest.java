package dev.mondrian.functions.runnerapi;

import static dev.mondrian.functions.support.Scrape.delta;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.FakeRunner.Claim;
import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.Scrape;
import dev.mondrian.functions.support.ServiceTest;
import dev.mondrian.functions.support.SseClient;
import dev.mondrian.functions.support.SseClient.Frame;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

@TestPropertySource(properties = {
        "mondrian.lease-duration=1s", "mondrian.max-attempts=2", "mondrian.lease-check-interval=100ms"})
class LeaseTest extends ServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private String createJob() {
        return http.multipart("/api/jobs", Http.form("prompt", "text only, please")).json().get("job_id").asString();
    }

    private String awaitStatus(String id, String status) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String now;
        do {
            now = http.get("/api/jobs/" + id).json().get("status").asString();
            if (now.equals(status)) {
                return now;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("job " + id + " stayed " + now + ", expected " + status);
    }

    @Test
    void anExpiredLeaseRequeuesTheJobAndRefusesTheOldRunner() throws Exception {
        String id = createJob();
        Claim lost = runner.claim(5000);
        runner.thinking(lost, "update_seq", 1, "tokens", 3, "text", "from the lost runner");
        awaitStatus(id, "queued");
        assertThat(http.get("/api/jobs/" + id).json().get("attempts").asInt()).isEqualTo(1);

        Claim successor = runner.claim(5000);
        assertThat(successor.jobId()).isEqualTo(id);
        assertThat(successor.epoch()).isEqualTo(lost.epoch() + 1);
        assertThat(successor.body().get("attempt").asInt()).isEqualTo(2);

        for (Http.Response stale : List.of(runner.thinking(lost, "update_seq", 2, "text", "zombie"),
                runner.heartbeat(lost), runner.complete(lost, "zombie analysis"), runner.fail(lost, "zombie"))) {
            assertThat(stale.status()).as(stale.body()).isEqualTo(409);
            assertThat(stale.error()).contains("stale lease");
        }

        assertThat(runner.complete(successor, "the real analysis").status()).isEqualTo(200);
        Http.Response again = runner.complete(successor, "the real analysis");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("duplicate").asBoolean()).isTrue();

        SseClient log = SseClient.open(url("/api/jobs/" + id + "/events")).awaitEnd(WAIT);
        List<String> steps = log.frames().stream().filter(f -> f.event().equals("status_update"))
                .map(f -> Http.JSON.readTree(f.data()).get("job_data").get("current_step").asString()).toList();
        assertThat(steps).containsExactly("queued", "analyzing", "requeued", "analyzing", "completed");
        assertThat(log.frames().stream().filter(f -> f.event().equals("analysis_complete")).map(Frame::data).toList())
                .singleElement().asString().contains("the real analysis");
        assertThat(http.get("/api/jobs/" + id).json().get("analysis").asString()).isEqualTo("the real analysis");
    }

    @Test
    void aJobFailsOnceItsAttemptsAreUsedUp() throws Exception {
        String id = createJob();
        runner.claim(5000);
        awaitStatus(id, "queued");
        runner.claim(5000);
        awaitStatus(id, "failed");
        SseClient log = SseClient.open(url("/api/jobs/" + id + "/events")).awaitEnd(WAIT);
        assertThat(log.frames().stream().map(Frame::event).toList()).endsWith("error", "status_update", "done");
        assertThat(http.get("/api/jobs/" + id).json().get("error").asString()).contains("2 attempts");
    }

    @Test
    void aReleasedJobIsQueuedAtOnceWithoutSpendingAnAttempt() throws Exception {
        String id = createJob();
        Claim first = runner.claim(5000);
        Http.Response tooLong = runner.release(first, "x".repeat(4001));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.error()).contains("reason is 4001 characters");
        assertThat(runner.release(first, "Runner shutting down").status()).isEqualTo(200);
        assertThat(http.get("/api/jobs/" + id).json().get("status").asString()).isEqualTo("queued");
        assertThat(runner.release(first, "again").status()).isEqualTo(409);
        // max-attempts is 2 here: were the release counted, this claim's lapse would fail the job.
        Claim second = runner.claim(5000);
        assertThat(second.body().get("attempt").asInt()).isEqualTo(1);
        awaitStatus(id, "queued");
        Claim third = runner.claim(5000);
        assertThat(third.epoch()).isEqualTo(first.epoch() + 2);
        assertThat(runner.complete(third, "done after a release").status()).isEqualTo(200);
        SseClient log = SseClient.open(url("/api/jobs/" + id + "/events")).awaitEnd(WAIT);
        assertThat(log.frames().stream().filter(f -> f.event().equals("status_update"))
                .map(f -> Http.JSON.readTree(f.data()).get("job_data").get("llm_thinking").asString()).toList())
                .contains("Runner shutting down");
    }

    @Test
    void aLapsedLeaseIsCountedByWhatBecameOfTheJob() throws Exception {
        Scrape before = metrics();
        createJob();
        runner.claim(5000); // and never heard from again
        awaitMetrics(s -> delta(before, s, "mondrian_leases_expired_total", "outcome", "requeued") == 1);
        runner.claim(5000); // the last of its two attempts
        Scrape after = awaitMetrics(s -> delta(before, s, "mondrian_leases_expired_total", "outcome", "failed") == 1);
        assertThat(delta(before, after, "mondrian_leases_expired_total", "outcome", "requeued")).isEqualTo(1);
        assertThat(delta(before, after, "mondrian_jobs_finished_total", "status", "failed")).isEqualTo(1);
        assertThat(delta(before, after, "mondrian_jobs_started_total")).isEqualTo(2);
    }

    @Test
    void heartbeatsKeepTheLease() throws Exception {
        String id = createJob();
        Claim claim = runner.claim(5000);
        for (int i = 0; i < 10; i++) {
            Thread.sleep(250);
            assertThat(runner.heartbeat(claim).status()).isEqualTo(200);
        }
        assertThat(http.get("/api/jobs/" + id).json().get("status").asString()).isEqualTo("running");
        assertThat(runner.complete(claim, "kept").status()).isEqualTo(200);
    }

    @Test
    void aClaimWithNothingQueuedAnswers204AfterTheWait() {
        Http.Response none = http.postJson("/api/runner/claim", RUNNER_TOKEN, Map.of("wait_ms", 200));
        assertThat(none.status()).isEqualTo(204);
    }

    @Test
    void aWaitingClaimWakesWhenAJobArrives() throws Exception {
        Thread creator = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            createJob();
        });
        Claim claim = runner.claim(10_000);
        creator.join();
        assertThat(runner.complete(claim, "woken").status()).isEqualTo(200);
    }

    @Test
    void aWrongOrMissingRunnerTokenIsRefusedAndChangesNothing() {
        String id = createJob();
        for (String token : new String[] {null, "wrong", RUNNER_TOKEN + "x", ADMIN_TOKEN}) {
            Http.Response claim = http.postJson("/api/runner/claim", token, Map.of("wait_ms", 0));
            assertThat(claim.status()).isEqualTo(401);
            assertThat(claim.error()).contains("runner token");
            assertThat(http.putJson("/api/jobs/" + id + "/thinking", token,
                    Map.of("lease_id", "x", "lease_epoch", 1, "text", "forged")).status()).isEqualTo(401);
            assertThat(http.postJson("/api/runner/jobs/" + id + "/complete", token,
                    Map.of("lease_id", "x", "lease_epoch", 1, "analysis", "forged")).status()).isEqualTo(401);
        }
        assertThat(http.get("/api/jobs/" + id).json().get("status").asString()).isEqualTo("queued");
        assertThat(http.get("/api/jobs/" + id).json().get("last_seq").asLong()).isEqualTo(1);
    }
}
