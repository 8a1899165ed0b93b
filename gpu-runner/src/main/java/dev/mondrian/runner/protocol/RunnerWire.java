package dev.mondrian.runner.protocol;

import java.util.List;

/**
 * The runner API's messages as the functions service writes and reads them (snake_case JSON).
 * Field meanings are documented with the routes in the README ("Runners").
 */
public final class RunnerWire {
    private RunnerWire() {}

    public record ClaimRequest(String runnerId, long waitMs) {}

    /** @param adapter the advisor's LoRA adapter: a folder under the runner's {@code --adapters}; null for none */
    public record Advisor(String id, String name, String bio, List<String> focusAreas, String voice, String adapter) {}

    public record ImageRef(String url, String contentType, int width, int height) {}

    public record Lease(String id, long epoch, long expiresAt, long ttlMs) {}

    public record ClaimedJob(String jobId, Advisor advisor, String prompt, String mode, ImageRef image, int maxTokens,
                             double temperature, long updateIntervalMs, int attempt, Lease lease) {}

    public record LeaseRef(String leaseId, long leaseEpoch) {
        public static LeaseRef of(Lease lease) {
            return new LeaseRef(lease.id(), lease.epoch());
        }
    }

    /** Text since the last update, and, when an interval is due, the stats that make a thinking_update. */
    public record ThinkingUpdate(String leaseId, long leaseEpoch, long updateSeq, String text, Integer tokens,
                                 Double tokensPerSecond, Integer promptTokens, Long elapsedMs, String message) {}

    public record Completion(String leaseId, long leaseEpoch, String analysis, int tokens, double tokensPerSecond,
                             int promptTokens, long elapsedMs) {}

    public record Failure(String leaseId, long leaseEpoch, String error) {}

    public record Release(String leaseId, long leaseEpoch, String reason) {}

    public record CallbackAck(String jobId, String status, Long leaseExpiresAt, long lastSeq, boolean duplicate) {}
}
