package dev.mondrian.functions.events;

import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Live fan-out of committed events to subscribers. Replay is not the hub's job: {@link EventStream}
 * fills anything a subscriber missed from the {@link EventLog}, so a hub may deliver late, out of
 * order or twice without a client seeing a gap or a duplicate.
 */
public interface EventHub {
    Subscription subscribe(String jobId);

    /** Tells {@code listener} of every job that records events from now on, on any instance, until it is closed. */
    JobChangeListener.Registration listenToAll(JobChangeListener listener);

    /** Hands committed events to this instance's subscribers. */
    void publish(List<JobEvent> events);

    /**
     * Called inside the transaction that recorded the events, just before it commits: a hub that tells
     * other instances does it here, so they hear of the events exactly when, and only if, they commit.
     */
    default void beforeCommit(Handle handle, List<JobEvent> events) {}
}
