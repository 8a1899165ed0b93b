package dev.mondrian.functions.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Plays a GPU runner over the real runner API. */
public final class FakeRunner {
    private final Http http;
    private final String token;

    public FakeRunner(Http http, String token) {
        this.http = http;
        this.token = token;
    }

    public record Claim(String jobId, String leaseId, long epoch, JsonNode body) {
        public Map<String, Object> lease(Object... more) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("lease_id", leaseId);
            map.put("lease_epoch", epoch);
            for (int i = 0; i < more.length; i += 2) {
                map.put((String) more[i], more[i + 1]);
            }
            return map;
        }
    }

    /** Claims the next job, failing the test if none comes within the wait. */
    public Claim claim(long waitMs) {
        Http.Response response = http.postJson("/api/runner/claim", token, Map.of("runner_id", "test-runner", "wait_ms", waitMs));
        assertEquals(200, response.status(), () -> "claim: " + response.body());
        JsonNode body = response.json();
        return new Claim(body.get("job_id").asString(), body.get("lease").get("id").asString(),
                body.get("lease").get("epoch").asLong(), body);
    }

    /** A claim as a runner that says which adapters it holds and which it cannot use; 204 when no job came. */
    public Http.Response claimAs(String runnerId, List<String> adapters, Map<String, String> problems, long waitMs) {
        return http.postJson("/api/runner/claim", token, Map.of("runner_id", runnerId, "wait_ms", waitMs,
                "adapters", adapters, "adapter_problems", problems));
    }

    public Http.Response thinking(Claim claim, Object... fields) {
        return http.postJson("/api/runner/jobs/" + claim.jobId() + "/thinking", token, claim.lease(fields));
    }

    public Http.Response heartbeat(Claim claim) {
        return http.postJson("/api/runner/jobs/" + claim.jobId() + "/heartbeat", token, claim.lease());
    }

    public Http.Response complete(Claim claim, String analysis) {
        return http.postJson("/api/runner/jobs/" + claim.jobId() + "/complete", token,
                claim.lease("analysis", analysis, "tokens", 42, "tokens_per_second", 12.5, "prompt_tokens", 30, "elapsed_ms", 3400));
    }

    public Http.Response release(Claim claim, String reason) {
        return http.postJson("/api/runner/jobs/" + claim.jobId() + "/release", token, claim.lease("reason", reason));
    }

    public Http.Response fail(Claim claim, String error) {
        return http.postJson("/api/runner/jobs/" + claim.jobId() + "/fail", token, claim.lease("error", error));
    }
}
