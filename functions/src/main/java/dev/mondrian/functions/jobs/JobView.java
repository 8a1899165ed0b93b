package dev.mondrian.functions.jobs;

/** A job as clients see it: no lease, no runner internals. */
public record JobView(
        String jobId,
        String status,
        String advisor,
        String prompt,
        String mode,
        boolean hasImage,
        int maxTokens,
        double temperature,
        long updateIntervalMs,
        int attempts,
        int tokens,
        double tokensPerSecond,
        int promptTokens,
        long elapsedMs,
        int progressPercentage,
        String analysis,
        String error,
        long lastSeq,
        long createdAt,
        Long startedAt,
        Long finishedAt,
        Links links) {

    public record Links(String self, String events, String websocket, String cancel) {}

    public static JobView of(Job job) {
        String base = "/api/jobs/" + job.id();
        return new JobView(job.id(), job.status().wire(), job.advisor(), job.prompt(), job.mode(),
                job.imageId() != null, job.maxTokens(), job.temperature(), job.updateIntervalMs(), job.attempts(),
                job.tokens(), job.tokensPerSecond(), job.promptTokens(), job.elapsedMs(), job.progressPercentage(),
                job.analysis(), job.error(), job.lastSeq(), job.createdAt(), job.startedAt(), job.finishedAt(),
                new Links(base, base + "/events", base + "/ws", base + "/cancel"));
    }
}
