package dev.mondrian.functions.events;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * A job's events after a given seq, in order, exactly once: first from the log, then live from
 * the subscription. Whenever a live event is ahead of the next expected seq (a gap: the event
 * came from another writer first, or before this stream subscribed), the missing ones are read
 * from the log, which already holds them because events are published only after commit.
 * Never waits: {@link #poll()} answers what is there now, and the subscription's listener says
 * when there may be more.
 */
public final class EventStream implements AutoCloseable {
    private static final int PAGE = 500;

    private final EventLog log;
    private final Subscription live;
    private final Deque<JobEvent> pending = new ArrayDeque<>(0);
    private long lastSeq;
    private boolean catchingUp = true;

    public EventStream(EventLog log, EventHub hub, String jobId, long afterSeq) {
        this.log = log;
        // Subscribe before the first log read, so nothing committed in between is missed.
        this.live = hub.subscribe(jobId);
        this.lastSeq = afterSeq;
    }

    /** Runs {@code listener} after every live event the hub hands this stream (on the publisher's thread). */
    public void onLive(Runnable listener) {
        live.listen(listener);
    }

    /** The next event, or empty when there is none yet. */
    public Optional<JobEvent> poll() throws SubscriberDropped {
        while (true) {
            if (pending.isEmpty() && catchingUp) {
                pending.addAll(log.after(live.jobId(), lastSeq, PAGE));
                catchingUp = !pending.isEmpty();
            }
            if (!pending.isEmpty()) {
                return Optional.of(take(pending.poll()));
            }
            JobEvent event = live.poll();
            if (event == null) {
                if (live.overflowed()) {
                    throw new SubscriberDropped(lastSeq);
                }
                return Optional.empty();
            }
            if (event.seq() == lastSeq + 1) {
                return Optional.of(take(event));
            }
            if (event.seq() > lastSeq + 1) {
                catchingUp = true;
            }
        }
    }

    public long lastSeq() {
        return lastSeq;
    }

    private JobEvent take(JobEvent event) {
        lastSeq = event.seq();
        return event;
    }

    @Override
    public void close() {
        live.close();
    }

    /** The subscriber fell behind its buffer; its client should reconnect from {@link #lastSeq()}. */
    public static final class SubscriberDropped extends Exception {
        public SubscriberDropped(long lastSeq) {
            super("subscriber fell behind after seq " + lastSeq, null, false, false);
        }
    }
}
