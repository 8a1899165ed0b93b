package dev.mondrian.functions.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.FakeRunner;
import dev.mondrian.functions.support.FakeRunner.Claim;
import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.ServiceProcess;
import dev.mondrian.functions.support.ServiceTest;
import dev.mondrian.functions.support.SseClient;
import dev.mondrian.functions.support.SseClient.Frame;
import dev.mondrian.functions.support.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kill -9 the functions process mid-job, start it again: nothing committed is lost, streams resume. */
class RestartTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aJobSurvivesAKilledServiceAndItsStreamResumesWithoutGapOrDuplicate(@TempDir Path dataDir) throws Exception {
        try (ServiceProcess service = new ServiceProcess(dataDir).start()) {
            Http http = new Http(service.base());
            FakeRunner runner = new FakeRunner(http, ServiceTest.RUNNER_TOKEN);
            String id = http.multipart("/api/jobs", Http.form("image", TestImages.png(40, 30), "prompt", "before the crash"))
                    .json().get("job_id").asString();
            String events = service.base() + "/api/jobs/" + id + "/events";

            SseClient beforeCrash = SseClient.open(events);
            Claim claim = runner.claim(5000);
            assertThat(runner.thinking(claim, "update_seq", 1, "tokens", 10, "text", "one ").status()).isEqualTo(200);
            assertThat(runner.thinking(claim, "update_seq", 2, "tokens", 20, "text", "two ").status()).isEqualTo(200);
            beforeCrash.awaitFrame(f -> f.data().contains("\"tokens\":20"), WAIT);

            service.kill();
            beforeCrash.awaitEnd(WAIT);
            List<Frame> seen = beforeCrash.frames();
            service.start();

            // The lease lives in the database, so the runner carries on where it was.
            SseClient resumed = SseClient.resume(events, seen.getLast().id());
            assertThat(runner.thinking(claim, "update_seq", 3, "tokens", 30, "text", "three").status()).isEqualTo(200);
            assertThat(runner.complete(claim, "one two three").status()).isEqualTo(200);
            resumed.awaitEnd(WAIT);

            List<Frame> stitched = new ArrayList<>(seen);
            stitched.addAll(resumed.frames());
            SseClient whole = SseClient.open(events).awaitEnd(WAIT);
            assertThat(stitched).isEqualTo(whole.frames());
            assertThat(stitched.stream().map(f -> Long.parseLong(f.id())).toList())
                    .isEqualTo(java.util.stream.LongStream.rangeClosed(1, stitched.size()).boxed().toList());
            assertThat(stitched.stream().filter(f -> f.event().equals("token"))
                    .map(f -> Http.JSON.readTree(f.data()).get("text").asString()).toList())
                    .containsExactly("one ", "two ", "three");
            assertThat(http.get("/api/jobs/" + id).json().get("status").asString()).isEqualTo("completed");
        }
    }

    @Test
    void aStoppingServiceEndsItsOpenStreamsInsteadOfWaitingOutItsShutdownTimeout(@TempDir Path dataDir) throws Exception {
        try (ServiceProcess service = new ServiceProcess(dataDir).start()) {
            Http http = new Http(service.base());
            String id = http.multipart("/api/jobs", Http.form("prompt", "still queued")).json().get("job_id").asString();
            SseClient open = SseClient.open(service.base() + "/api/jobs/" + id + "/events");
            open.awaitFrame(f -> f.event().equals("status_update"), WAIT);

            service.stop();
            // The stream ended (the client resumes elsewhere) and the graceful shutdown did not wait for it.
            open.awaitEnd(WAIT);
            assertThat(Files.readString(service.log())).contains("Commencing graceful shutdown")
                    .doesNotContain("still running after timeout");
        }
    }
}
