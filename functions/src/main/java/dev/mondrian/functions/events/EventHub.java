package dev.mondrian.functions.events;

import java.util.List;

/**
 * Live fan-out of committed events to subscribers. Replay is not the hub's job: {@link EventStream}
 * fills anything a subscriber missed from the {@link EventLog}, so a hub may deliver late, out of
 * order or twice without a client seeing a gap or a duplicate.
 */
public interface EventHub {
    Subscription subscribe(String jobId);

    void publish(List<JobEvent> events);
}
