package dev.mondrian.functions.jobs;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Wakes long-polling claims in this process when a job becomes claimable, so a runner starts a
 * new job at once instead of at its next poll. Claims still re-check the database on a short
 * period, which covers jobs queued by another instance.
 *
 * <p>On shutdown it closes before the web server's graceful shutdown begins (a higher lifecycle
 * phase stops first): waiting claims answer at once instead of holding the shutdown for their
 * whole long-poll.
 */
@Component
public class QueueSignal implements SmartLifecycle {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private long generation;
    private volatile boolean closed;
    private volatile boolean running;

    /**
     * Opens the queue, also again after a stop: Spring stops lifecycle beans before a Lambda SnapStart checkpoint
     * and starts them after the restore (and pauses and resumes cached test contexts the same way).
     */
    @Override
    public void start() {
        closed = false;
        running = true;
    }

    @Override
    public void stop() {
        lock.lock();
        try {
            closed = true;
            queued.signalAll();
        } finally {
            lock.unlock();
        }
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** True once the service is shutting down: claims stop waiting. */
    public boolean closed() {
        return closed;
    }

    public void jobQueued() {
        lock.lock();
        try {
            generation++;
            queued.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The current generation, to pass to {@link #awaitAfter} so a signal between the two is not missed. */
    public long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    public void awaitAfter(long seen, long timeoutMillis) throws InterruptedException {
        long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lock();
        try {
            while (generation == seen && nanos > 0 && !closed) {
                nanos = queued.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }
}
