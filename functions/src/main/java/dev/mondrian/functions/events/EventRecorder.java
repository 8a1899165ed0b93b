package dev.mondrian.functions.events;

import java.util.List;

/**
 * Writes something of its own whenever a job's events are recorded, inside the same transaction, so that it commits
 * with the events or not at all: an outbox (the webhooks' deliveries) can then never miss an event or announce one
 * the log lost.
 */
public interface EventRecorder {
    void recorded(Journal.Tx tx, String jobId, List<EventPayload> payloads);
}
