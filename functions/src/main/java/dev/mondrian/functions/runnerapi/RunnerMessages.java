package dev.mondrian.functions.runnerapi;

import dev.mondrian.functions.advisors.Advisor;

/** The runner API's wire messages. {@code jobId} in a body is overridden by the job id in the path ({@code forJob}). */
public final class RunnerMessages {
    private RunnerMessages() {}

    public record ClaimRequest(String runnerId, Long waitMs) {}

    public record Lease(String id, long epoch, long expiresAt, long ttlMs) {}

    public record ImageRef(String url, String contentType, int width, int height) {}

    public record ClaimedJob(String jobId, Advisor advisor, String prompt, String mode, ImageRef image, int maxTokens,
                             double temperature, long updateIntervalMs, int attempt, Lease lease) {}

    public record Heartbeat(String jobId, String leaseId, Long leaseEpoch) {
        public Heartbeat forJob(String id) {
            return new Heartbeat(id, leaseId, leaseEpoch);
        }
    }

    /**
     * Progress since the last update. {@code text} is the newly generated text (may be empty);
     * the stats, when present, make a {@code thinking_update}. {@code updateSeq}, rising per lease,
     * lets a runner retry an update whose answer it lost without the text appearing twice.
     */
    public record ThinkingRequest(String jobId, String leaseId, Long leaseEpoch, Long updateSeq, Integer tokens,
                                  Double tokensPerSecond, Integer promptTokens, Long elapsedMs, String text,
                                  String message) {
        public ThinkingRequest forJob(String id) {
            return new ThinkingRequest(id, leaseId, leaseEpoch, updateSeq, tokens, tokensPerSecond, promptTokens,
                    elapsedMs, text, message);
        }
    }

    public record CompleteRequest(String jobId, String leaseId, Long leaseEpoch, String analysis, Integer tokens,
                                  Double tokensPerSecond, Integer promptTokens, Long elapsedMs) {
        public CompleteRequest forJob(String id) {
            return new CompleteRequest(id, leaseId, leaseEpoch, analysis, tokens, tokensPerSecond, promptTokens,
                    elapsedMs);
        }
    }

    public record FailRequest(String jobId, String leaseId, Long leaseEpoch, String error) {
        public FailRequest forJob(String id) {
            return new FailRequest(id, leaseId, leaseEpoch, error);
        }
    }

    /** A runner that stops (shutdown) hands its job back; {@code reason} is shown to the job's clients. */
    public record ReleaseRequest(String jobId, String leaseId, Long leaseEpoch, String reason) {
        public ReleaseRequest forJob(String id) {
            return new ReleaseRequest(id, leaseId, leaseEpoch, reason);
        }
    }

    /** The answer to every accepted callback: the job's status now and the renewed lease expiry. */
    public record CallbackAck(String jobId, String status, Long leaseExpiresAt, long lastSeq, boolean duplicate) {}
}
