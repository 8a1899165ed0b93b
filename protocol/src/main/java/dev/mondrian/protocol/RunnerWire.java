package dev.mondrian.protocol;

import java.util.List;
import java.util.Map;

/**
 * The runner API's messages, as both sides write and read them (snake_case JSON). Fields a runner must send are
 * boxed so that the service can tell a missing one (400) from a zero. {@code jobId} in a callback body is
 * overridden by the job id in the path ({@code forJob}); a runner may leave it null.
 */
public final class RunnerWire {
    private RunnerWire() {}

    /**
     * @param waitMs how long to wait for a job (0 to 60000); null for the service's default
     * @param adapters the LoRA adapters this runner holds that fit its model, by name: it is given only jobs of
     *                 advisors it can serve; null (a runner that does not say) takes any job
     * @param adapterProblems adapters under its {@code --adapters} that it cannot use, each with the reason, which
     *                        the admin API shows to an operator who asks for one of them; null for none
     */
    public record ClaimRequest(String runnerId, Long waitMs, List<String> adapters,
                               Map<String, String> adapterProblems) {}

    /** @param adapter the advisor's LoRA adapter: a folder under the runner's {@code --adapters}; null for none */
    public record Advisor(String id, String name, String bio, List<String> focusAreas, String voice, String adapter) {}

    public record ImageRef(String url, String contentType, int width, int height) {}

    public record Lease(String id, long epoch, long expiresAt, long ttlMs) {}

    public record ClaimedJob(String jobId, Advisor advisor, String prompt, String mode, ImageRef image, int maxTokens,
                             double temperature, long updateIntervalMs, int attempt, Lease lease) {}

    public record Heartbeat(String jobId, String leaseId, Long leaseEpoch) {
        public static Heartbeat of(Lease lease) {
            return new Heartbeat(null, lease.id(), lease.epoch());
        }

        public Heartbeat forJob(String id) {
            return new Heartbeat(id, leaseId, leaseEpoch);
        }
    }

    /**
     * Progress since the last report. {@code text} is the newly generated text (may be empty); the stats, when
     * present, make a {@code thinking_update} event. {@code updateSeq}, rising per lease, lets a runner retry a
     * report whose answer it lost without the text appearing twice.
     */
    public record ThinkingReport(String jobId, String leaseId, Long leaseEpoch, Long updateSeq, Integer tokens,
                                 Double tokensPerSecond, Integer promptTokens, Long elapsedMs, String text,
                                 String message) {
        public ThinkingReport forJob(String id) {
            return new ThinkingReport(id, leaseId, leaseEpoch, updateSeq, tokens, tokensPerSecond, promptTokens,
                    elapsedMs, text, message);
        }
    }

    public record Completion(String jobId, String leaseId, Long leaseEpoch, String analysis, Integer tokens,
                             Double tokensPerSecond, Integer promptTokens, Long elapsedMs) {
        public Completion forJob(String id) {
            return new Completion(id, leaseId, leaseEpoch, analysis, tokens, tokensPerSecond, promptTokens, elapsedMs);
        }
    }

    public record Failure(String jobId, String leaseId, Long leaseEpoch, String error) {
        public Failure forJob(String id) {
            return new Failure(id, leaseId, leaseEpoch, error);
        }
    }

    /** A runner that stops (shutdown) hands its job back; {@code reason} is shown to the job's clients. */
    public record Release(String jobId, String leaseId, Long leaseEpoch, String reason) {
        public Release forJob(String id) {
            return new Release(id, leaseId, leaseEpoch, reason);
        }
    }

    /** The answer to every accepted callback: the job's status now and the renewed lease expiry. */
    public record CallbackAck(String jobId, String status, Long leaseExpiresAt, long lastSeq, boolean duplicate) {}
}
