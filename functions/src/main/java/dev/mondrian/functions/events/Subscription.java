package dev.mondrian.functions.events;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One subscriber's bounded buffer. Offering never blocks the publisher: when the buffer is full
 * the subscription is marked overflowed and its client is dropped, to resume from its last seq.
 */
public final class Subscription implements AutoCloseable {
    private final String jobId;
    private final BlockingQueue<JobEvent> buffer;
    private final Runnable onClose;
    private volatile boolean overflowed;

    Subscription(String jobId, int capacity, Runnable onClose) {
        this.jobId = jobId;
        this.buffer = new ArrayBlockingQueue<>(capacity);
        this.onClose = onClose;
    }

    public String jobId() {
        return jobId;
    }

    /** Called by the hub; returns false once this subscriber has fallen behind. */
    boolean offer(JobEvent event) {
        if (overflowed) {
            return false;
        }
        if (!buffer.offer(event)) {
            overflowed = true;
            return false;
        }
        return true;
    }

    public boolean overflowed() {
        return overflowed;
    }

    JobEvent poll(long timeoutMillis) throws InterruptedException {
        return buffer.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        onClose.run();
    }
}
