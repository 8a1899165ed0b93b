package dev.mondrian.runner.service;

import dev.mondrian.protocol.RunnerWire.Completion;
import dev.mondrian.protocol.RunnerWire.Failure;
import dev.mondrian.protocol.RunnerWire.Heartbeat;
import dev.mondrian.protocol.RunnerWire.Lease;
import dev.mondrian.protocol.RunnerWire.Release;
import dev.mondrian.protocol.RunnerWire.ThinkingReport;
import dev.mondrian.runner.protocol.FunctionsClient;
import dev.mondrian.runner.protocol.FunctionsException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One job's callbacks to the functions service, sent in order by a thread of their own so that
 * generation never waits for the network. Text is batched (one update per delta interval), stats
 * ride along once per update interval, a heartbeat goes out when nothing else renewed the lease for
 * a third of its life. While the service is unreachable the call in flight is retried unchanged
 * (its {@code update_seq} makes a retry count once) and new text piles up for the next one, so
 * nothing is lost and nothing is sent twice. A 409 means the job is no longer this runner's
 * (cancelled, re-queued, finished): {@link #stopReason()} then tells generation to stop.
 */
final class JobCallbacks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobCallbacks.class);
    /** The service takes 65 536 characters of text per update; longer backlogs go in several. */
    static final int MAX_TEXT_CHARS = 60_000;
    /** How long past the lease's expiry to keep trying an unreachable service before giving the job up. */
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** How the job's final call ended. */
    enum Outcome { DELIVERED, LEASE_LOST, GAVE_UP }

    private interface Call {
        void send() throws FunctionsException, InterruptedException;
    }

    private final FunctionsClient client;
    private final String jobId;
    private final Heartbeat lease;
    private final long deltaNanos;
    private final long statsNanos;
    private final long heartbeatNanos;
    private final long leaseNanos;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final StringBuilder pendingText = new StringBuilder();
    private Progress latest = new Progress(0, 0, 0, 0);
    private boolean statsDue;
    private String pendingMessage;
    private Call finalCall;
    private long nextStatsAt;
    private long lastSentAt;

    /** Written by the sender thread only. */
    private long updateSeq;
    private volatile long lastAckAt;
    private volatile String stopReason;
    private volatile Outcome outcome;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Thread sender;

    JobCallbacks(FunctionsClient client, String jobId, Lease lease, Duration deltaInterval, Duration updateInterval) {
        this.client = client;
        this.jobId = jobId;
        this.lease = Heartbeat.of(lease);
        this.deltaNanos = deltaInterval.toNanos();
        this.statsNanos = updateInterval.toNanos();
        this.leaseNanos = TimeUnit.MILLISECONDS.toNanos(lease.ttlMs());
        this.heartbeatNanos = leaseNanos / 3;
        long now = System.nanoTime();
        this.lastAckAt = now;
        this.lastSentAt = now - deltaNanos;
        this.nextStatsAt = now + statsNanos;
        Map<String, String> logFields = MDC.getCopyOfContextMap(); // the job's and runner's ids, for the sender's lines
        this.sender = Thread.ofPlatform().name("callbacks-" + jobId).daemon().start(() -> {
            MDC.setContextMap(logFields == null ? Map.of() : logFields);
            run();
        });
    }

    /** A status line for the job's clients, sent at once with the stats so far. */
    void message(String line, Progress progress) {
        lock.lock();
        try {
            pendingMessage = line;
            latest = progress;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Called by generation for every token: its text (may be empty) and the stats now. */
    void progress(String delta, Progress progress) {
        lock.lock();
        try {
            boolean wasEmpty = pendingText.isEmpty();
            pendingText.append(delta);
            latest = progress;
            long now = System.nanoTime();
            if (now - nextStatsAt >= 0) {
                statsDue = true;
                nextStatsAt = now + statsNanos;
                changed.signal();
            } else if (wasEmpty && !delta.isEmpty()) {
                changed.signal(); // the sender sleeps until a heartbeat is due; text needs an earlier wake-up
            }
        } finally {
            lock.unlock();
        }
    }

    /** Why generation must stop (the job is no longer ours, or the service was gone too long); null while all is well. */
    String stopReason() {
        return stopReason;
    }

    Outcome complete(Progress progress, String analysis, Duration wait) throws InterruptedException {
        Completion completion = new Completion(jobId, lease.leaseId(), lease.leaseEpoch(), analysis, progress.tokens(),
                progress.tokensPerSecond(), progress.promptTokens(), progress.elapsedMs());
        return finish(() -> client.complete(jobId, completion), wait);
    }

    Outcome fail(String error, Duration wait) throws InterruptedException {
        Failure failure = new Failure(jobId, lease.leaseId(), lease.leaseEpoch(), error);
        return finish(() -> client.fail(jobId, failure), wait);
    }

    Outcome release(String reason, Duration wait) throws InterruptedException {
        Release release = new Release(jobId, lease.leaseId(), lease.leaseEpoch(), reason);
        return finish(() -> client.release(jobId, release), wait);
    }

    /** Queues the final call behind every pending update and waits until it is answered or given up. */
    private Outcome finish(Call call, Duration wait) throws InterruptedException {
        lock.lock();
        try {
            if (finalCall == null) {
                finalCall = call;
            }
            changed.signal();
        } finally {
            lock.unlock();
        }
        if (!ended.await(wait.toNanos(), TimeUnit.NANOSECONDS)) {
            log.warn("job {}: final callback not answered within {}; giving up on it", jobId, wait);
            return Outcome.GAVE_UP;
        }
        return outcome;
    }

    private void run() {
        Outcome result = Outcome.GAVE_UP;
        try {
            while (true) {
                Next next = next();
                Outcome delivered = deliver(next.call);
                if (delivered != Outcome.DELIVERED || next.last) {
                    result = delivered;
                    break;
                }
            }
        } catch (InterruptedException e) {
            stop("the runner is shutting down");
        } finally {
            outcome = result;
            ended.countDown();
        }
    }

    private record Next(Call call, boolean last) {}

    private Next next() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                long now = System.nanoTime();
                boolean textReady = !pendingText.isEmpty() && (finalCall != null || now - lastSentAt >= deltaNanos);
                if (textReady || statsDue || pendingMessage != null) {
                    lastSentAt = now;
                    return new Next(update(), false);
                }
                if (finalCall != null) {
                    return new Next(finalCall, true);
                }
                long sinceAck = now - lastAckAt;
                if (sinceAck >= heartbeatNanos) {
                    return new Next(() -> client.heartbeat(jobId, lease), false);
                }
                long wait = heartbeatNanos - sinceAck;
                if (!pendingText.isEmpty()) {
                    wait = Math.min(wait, deltaNanos - (now - lastSentAt));
                }
                changed.awaitNanos(Math.max(wait, 1));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes the pending text (up to the per-update limit) and, when due, the stats, under the next seq. */
    private Call update() {
        int cut = Math.min(pendingText.length(), MAX_TEXT_CHARS);
        if (cut < pendingText.length() && Character.isLowSurrogate(pendingText.charAt(cut))) {
            cut--; // never split a character
        }
        String text = pendingText.substring(0, cut);
        pendingText.delete(0, cut);
        boolean withStats = statsDue || pendingMessage != null;
        Progress p = latest;
        ThinkingReport update = new ThinkingReport(jobId, lease.leaseId(), lease.leaseEpoch(), ++updateSeq,
                withStats ? p.tokens() : null, withStats ? p.tokensPerSecond() : null,
                withStats ? p.promptTokens() : null, withStats ? p.elapsedMs() : null, text, pendingMessage);
        statsDue = false;
        pendingMessage = null;
        return () -> client.thinking(jobId, update);
    }

    /** Sends one call until it is answered; the same call, so a retry after a lost answer counts once. */
    private Outcome deliver(Call call) throws InterruptedException {
        Backoff backoff = new Backoff(100, 2_000);
        boolean warned = false;
        while (true) {
            try {
                call.send();
                lastAckAt = System.nanoTime();
                if (warned) {
                    log.info("job {}: functions service reachable again; sending the buffered updates", jobId);
                }
                return Outcome.DELIVERED;
            } catch (FunctionsException e) {
                if (e.kind() == FunctionsException.Kind.LEASE_LOST) {
                    stop("the job is no longer this runner's: " + e.getMessage());
                    return Outcome.LEASE_LOST;
                }
                if (!e.retryable()) {
                    log.error("job {}: callback refused, giving the job up: {}", jobId, e.getMessage());
                    stop("callback refused: " + e.getMessage());
                    return Outcome.GAVE_UP;
                }
                if (System.nanoTime() - lastAckAt > leaseNanos + GRACE_NANOS) {
                    log.error("job {}: functions service unreachable for longer than the lease; the service will "
                            + "give the job to another runner: {}", jobId, e.getMessage());
                    stop("functions service unreachable for longer than the lease");
                    return Outcome.GAVE_UP;
                }
                if (!warned) {
                    log.warn("job {}: {}; retrying with backoff, updates are kept meanwhile", jobId, e.getMessage());
                    warned = true;
                }
                Thread.sleep(backoff.nextDelayMs());
            }
        }
    }

    private void stop(String reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
    }

    /** Ends the sender if the job ends without a final call (it should not). */
    @Override
    public void close() {
        if (ended.getCount() > 0) {
            sender.interrupt();
        }
    }
}
