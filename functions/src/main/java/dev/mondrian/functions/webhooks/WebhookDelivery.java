package dev.mondrian.functions.webhooks;

import java.util.List;

/** One delivery as operators see it: what, where, how it went, and each attempt. */
public record WebhookDelivery(String id, String jobId, String event, String url, String state, int attempts,
                              long createdAt, long dueAt, Long deliveredAt, List<Attempt> attemptLog) {
    /** One try: when, the receiver's status (null when none came), what went wrong, how long it took. */
    public record Attempt(int attempt, long at, Integer statusCode, String error, long durationMs) {}
}
