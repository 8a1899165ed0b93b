package dev.mondrian.functions.events;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One subscriber's bounded buffer. Offering never blocks the publisher: when the buffer is full
 * the subscription is marked overflowed and its client is dropped, to resume from its last seq.
 * The buffer is a linked queue, so an idle subscriber (the common case: ten thousand of them
 * waiting for the next token) costs a few dozen bytes instead of a preallocated array.
 */
public final class Subscription implements AutoCloseable {
    private static final Runnable NOBODY = () -> {};

    private final String jobId;
    private final int capacity;
    private final Queue<JobEvent> buffer = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final Runnable onClose;
    private volatile Runnable listener = NOBODY;
    private volatile boolean overflowed;

    Subscription(String jobId, int capacity, Runnable onClose) {
        this.jobId = jobId;
        this.capacity = capacity;
        this.onClose = onClose;
    }

    public String jobId() {
        return jobId;
    }

    /** Called (on the publisher's thread) after every offered event, and once when the buffer overflows. */
    void listen(Runnable listener) {
        this.listener = listener;
    }

    /** Called by the hub; returns false once this subscriber has fallen behind. */
    boolean offer(JobEvent event) {
        if (overflowed) {
            return false;
        }
        if (size.incrementAndGet() > capacity) {
            overflowed = true;
            listener.run();
            return false;
        }
        buffer.add(event);
        listener.run();
        return true;
    }

    public boolean overflowed() {
        return overflowed;
    }

    /** The oldest buffered event, or null when there is none. */
    JobEvent poll() {
        JobEvent event = buffer.poll();
        if (event != null) {
            size.decrementAndGet();
        }
        return event;
    }

    @Override
    public void close() {
        onClose.run();
    }
}
