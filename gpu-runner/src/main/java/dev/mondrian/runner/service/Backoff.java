package dev.mondrian.runner.service;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential retry delays with jitter, so runners that lost the service together do not return in step. */
final class Backoff {
    private final long firstMs;
    private final long maxMs;
    private long nextMs;

    Backoff(long firstMs, long maxMs) {
        this.firstMs = firstMs;
        this.maxMs = maxMs;
        this.nextMs = firstMs;
    }

    long nextDelayMs() {
        long delay = nextMs;
        nextMs = Math.min(maxMs, nextMs * 2);
        return delay + ThreadLocalRandom.current().nextLong(delay / 4 + 1);
    }

    void reset() {
        nextMs = firstMs;
    }
}
