package dev.mondrian.functions.admin;

import dev.mondrian.functions.events.JobChangeListener;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The jobs that changed since one admin stream last looked, each once however often it changed, so the stream
 * reads a busy job's row once per batch rather than once per event. Never blocks the hub: past {@code capacity}
 * jobs the set is dropped and the stream told to send the whole list again, so memory stays bounded however
 * slow its client is.
 */
final class ChangedJobs implements JobChangeListener {
    /** What the stream should send next: the whole list again, or the rows of these jobs. */
    record Batch(boolean resync, Set<String> jobIds) {
        boolean isEmpty() {
            return !resync && jobIds.isEmpty();
        }
    }

    private final int capacity;
    // A lock rather than synchronized: the stream waits on a virtual thread, which must not pin its carrier.
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Set<String> pending = new LinkedHashSet<>();
    private boolean resync;

    ChangedJobs(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public void changed(String jobId) {
        lock.lock();
        try {
            if (!resync) {
                pending.add(jobId);
                if (pending.size() > capacity) {
                    resync = true;
                    pending.clear();
                }
            }
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void resync() {
        lock.lock();
        try {
            resync = true;
            pending.clear();
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** What changed since the last call, waiting up to the timeout for something to; empty if nothing did. */
    Batch take(long timeoutMillis) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (!resync && pending.isEmpty() && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            Batch batch = new Batch(resync, pending);
            pending = new LinkedHashSet<>();
            resync = false;
            return batch;
        } finally {
            lock.unlock();
        }
    }
}
