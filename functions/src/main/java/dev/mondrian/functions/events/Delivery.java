package dev.mondrian.functions.events;

import dev.mondrian.functions.logging.LogScope;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's stream of one job. It holds no thread while it waits: every live event (and every
 * keep-alive that falls due) signals it, and a signal runs a short drain on the executor that writes
 * what the {@link EventStream} has, in order. At most one drain runs at a time, so the sink is never
 * written from two threads; a signal that arrives during a drain makes that drain go round again.
 */
public final class Delivery {
    private static final Logger log = LoggerFactory.getLogger(Delivery.class);

    private final String jobId;
    private final EventStream stream;
    private final EventSink sink;
    private final Executor executor;
    private final Runnable onEnd;
    /** Whether the client may still read the job (its client key may be revoked); null: always. */
    private final BooleanSupplier mayRead;
    /** Signals not yet handled; the drain that takes it from 0 runs until it is back at 0. */
    private final AtomicInteger signals = new AtomicInteger();
    private volatile boolean keepAliveDue;
    private volatile boolean recheckDue;
    private volatile boolean cancelled;
    private volatile long lastWriteNanos = System.nanoTime();
    private boolean ended;

    Delivery(String jobId, long afterSeq, EventLog eventLog, EventHub hub, EventSink sink, BooleanSupplier mayRead,
             Executor executor, Runnable onEnd) {
        this.jobId = jobId;
        this.mayRead = mayRead;
        this.sink = sink;
        this.executor = executor;
        this.onEnd = onEnd;
        this.stream = new EventStream(eventLog, hub, jobId, afterSeq);
        // Events that arrive before this line wait in the subscription for the first drain.
        stream.onLive(this::signal);
    }

    /** The client went away (or the service is stopping): stop at the next drain. */
    public void cancel() {
        cancelled = true;
        signal();
    }

    /** Once per keep-alive period: a keep-alive if nothing was written since {@code idleSince}, and the recheck. */
    void tick(long idleSince) {
        boolean idle = lastWriteNanos - idleSince <= 0;
        if (idle) {
            keepAliveDue = true;
        }
        if (mayRead != null) {
            recheckDue = true;
        }
        if (idle || mayRead != null) {
            signal();
        }
    }

    void signal() {
        if (signals.getAndIncrement() == 0) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException stopping) {
                // The service is shutting down; the client resumes from its last seq elsewhere.
            }
        }
    }

    private void drain() {
        try (LogScope.Scope job = LogScope.of(jobId, null)) {
            int handled = 1;
            while (true) {
                if (!ended) {
                    step();
                }
                handled = signals.addAndGet(-handled);
                if (handled == 0) {
                    return;
                }
            }
        }
    }

    private void step() {
        try {
            if (cancelled) {
                end();
                return;
            }
            if (recheckDue) {
                recheckDue = false;
                if (!mayRead.getAsBoolean()) {
                    log.info("job {}: the stream's client key was revoked; ending it", jobId);
                    end();
                    return;
                }
            }
            boolean sent = false;
            for (Optional<JobEvent> event; (event = stream.poll()).isPresent(); ) {
                sink.send(event.get());
                sent = true;
                if (event.get().isDone()) {
                    sink.flush();
                    end();
                    return;
                }
            }
            if (sent) {
                sink.flush();
                lastWriteNanos = System.nanoTime();
            }
            if (keepAliveDue) {
                keepAliveDue = false;
                sink.keepAlive();
                lastWriteNanos = System.nanoTime();
            }
        } catch (EventStream.SubscriberDropped e) {
            log.info("job {}: closing a stream that fell behind ({}); the client resumes from its last seq", jobId,
                    e.getMessage());
            end();
        } catch (IOException | IllegalStateException e) {
            // The client closed the connection; it resumes from its last seq when it returns.
            log.debug("job {}: client went away: {}", jobId, e.toString());
            end();
        } catch (RuntimeException e) {
            log.error("job {}: stream failed after seq {}", jobId, stream.lastSeq(), e);
            end();
        }
    }

    private void end() {
        ended = true;
        stream.close();
        onEnd.run();
        sink.close();
    }
}
