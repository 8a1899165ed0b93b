package dev.mondrian.functions.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.FakeRunner.Claim;
import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.ServiceTest;
import dev.mondrian.functions.support.TestImages;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** An ended job, its photo and its events are gone once the retention has passed; a running job stays. */
@TestPropertySource(properties = "mondrian.retention=2s")
class RetentionTest extends ServiceTest {
    @Test
    void endedJobsGoWithTheirPhotosAndEventsOnceTheirTimeIsUp() throws Exception {
        String ended = http.multipart("/api/jobs", Http.form("image", TestImages.png(20, 20), "prompt", "forget me"))
                .json().get("job_id").asString();
        Claim claim = runner.claim(5000);
        assertThat(claim.jobId()).isEqualTo(ended);
        assertThat(runner.complete(claim, "Forgotten soon.").status()).isEqualTo(200);
        String running = http.multipart("/api/jobs", Http.form("prompt", "still working")).json().get("job_id").asString();
        Claim working = runner.claim(5000);
        assertThat(count("SELECT COUNT(*) FROM images")).isEqualTo(1);

        long deadline = System.currentTimeMillis() + 15_000;
        while (http.get("/api/jobs/" + ended).status() == 200 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(http.get("/api/jobs/" + ended).status()).isEqualTo(404);
        assertThat(count("SELECT COUNT(*) FROM job_events WHERE job_id = '" + ended + "'")).isZero();
        assertThat(count("SELECT COUNT(*) FROM images")).isZero();
        assertThat(http.get("/api/jobs/" + running).json().get("status").asString()).isEqualTo("running");
        assertThat(runner.complete(working, "done").status()).isEqualTo(200);
    }
}
