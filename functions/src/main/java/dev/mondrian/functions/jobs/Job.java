package dev.mondrian.functions.jobs;

/** A row of {@code jobs}. Lease fields are internal: only runners ever see them. */
public record Job(
        String id,
        JobStatus status,
        String advisor,
        String prompt,
        String mode,
        String imageId,
        int maxTokens,
        double temperature,
        long updateIntervalMs,
        int attempts,
        String leaseId,
        long leaseEpoch,
        Long leaseExpiresAt,
        String runnerId,
        long lastUpdateSeq,
        int tokens,
        double tokensPerSecond,
        int promptTokens,
        long elapsedMs,
        String analysis,
        String error,
        long lastSeq,
        long createdAt,
        Long startedAt,
        Long finishedAt) {

    public int progressPercentage() {
        if (status.isFinal()) {
            return 100;
        }
        return maxTokens == 0 ? 0 : Math.min(99, tokens * 100 / maxTokens);
    }
}
