package dev.mondrian.functions.events;

import dev.mondrian.functions.metrics.EventMeters;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.springframework.stereotype.Component;

/**
 * Runs a state change and the events it causes in one transaction, then publishes the events to
 * the hub only after the commit, so a subscriber can never see an event the log might lose.
 */
@Component
public class Journal {
    private final Jdbi jdbi;
    private final EventLog log;
    private final EventHub hub;
    private final EventMeters meters;

    public Journal(Jdbi jdbi, EventLog log, EventHub hub, EventMeters meters) {
        this.jdbi = jdbi;
        this.log = log;
        this.hub = hub;
        this.meters = meters;
    }

    public interface Work<T> {
        T run(Tx tx);
    }

    /** The open transaction: its handle, and where to record events. */
    public static final class Tx {
        private final Handle handle;
        private final EventLog log;
        private final long now;
        private final List<JobEvent> recorded = new ArrayList<>();
        private final List<Runnable> afterCommit = new ArrayList<>();

        private Tx(Handle handle, EventLog log, long now) {
            this.handle = handle;
            this.log = log;
            this.now = now;
        }

        public Handle handle() {
            return handle;
        }

        /** The transaction's clock, so the rows and the events it writes agree on the time. */
        public long now() {
            return now;
        }

        public void record(String jobId, EventPayload... payloads) {
            recorded.addAll(log.append(handle, jobId, List.of(payloads), now));
        }

        /**
         * Runs once the transaction committed, never if it rolled back: for effects outside the database (metrics).
         */
        public void afterCommit(Runnable action) {
            afterCommit.add(action);
        }
    }

    public <T> T run(Work<T> work) {
        List<JobEvent> recorded = new ArrayList<>();
        List<Runnable> afterCommit = new ArrayList<>();
        T result = jdbi.inTransaction(h -> {
            Tx tx = new Tx(h, log, System.currentTimeMillis());
            T value = work.run(tx);
            recorded.addAll(tx.recorded);
            afterCommit.addAll(tx.afterCommit);
            if (!recorded.isEmpty()) {
                hub.beforeCommit(h, recorded);
            }
            return value;
        });
        if (!recorded.isEmpty()) {
            hub.publish(recorded);
            recorded.forEach(event -> meters.published(event.type()));
        }
        afterCommit.forEach(Runnable::run);
        return result;
    }
}
