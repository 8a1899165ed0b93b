package dev.mondrian.functions.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.ServiceTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** With client keys off the service is open, but an operator may still cap everyone together. */
@TestPropertySource(properties = {"mondrian.anonymous-max-active=2", "mondrian.anonymous-jobs-per-minute=100"})
class AnonymousQuotaTest extends ServiceTest {
    @Test
    void everyoneTogetherMayHaveNoMoreJobsWaitingThanTheOperatorAllows() {
        String first = http.postJson("/api/jobs", null, Map.of("prompt", "one")).json().get("job_id").asString();
        assertThat(http.multipart("/api/jobs", Http.form("prompt", "two")).status()).isEqualTo(201);
        Http.Response full = http.postJson("/api/jobs", null, Map.of("prompt", "three"));
        assertThat(full.status()).isEqualTo(429);
        assertThat(full.error()).isEqualTo("this service may have 2 jobs queued or running at once");
        assertThat(full.headers().firstValue("Retry-After")).contains("10");
        assertThat(http.postJson("/api/jobs/" + first + "/cancel", null, "").status()).isEqualTo(200);
        assertThat(http.postJson("/api/jobs", null, Map.of("prompt", "three, later")).status()).isEqualTo(201);
    }
}
