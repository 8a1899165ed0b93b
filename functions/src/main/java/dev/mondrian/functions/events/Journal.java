package dev.mondrian.functions.events;

import dev.mondrian.functions.metrics.EventMeters;
import dev.mondrian.functions.store.Dialect;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Runs a state change and the events it causes in one transaction, then publishes the events to
 * the hub only after the commit, so a subscriber can never see an event the log might lose.
 *
 * <p>On SQLite, which has one writer at a time, the changes go through {@link GroupCommit}: one
 * thread runs them back to back and commits many in one transaction, instead of many threads
 * taking turns at the file lock (each turn a busy-wait with sleeps). On PostgreSQL each runs in
 * a transaction of its own on the caller's thread, concurrently.
 */
@Component
public class Journal implements DisposableBean {
    private final Jdbi jdbi;
    private final EventLog log;
    private final EventHub hub;
    private final EventMeters meters;
    private final GroupCommit group;
    private final List<EventRecorder> recorders;

    public Journal(Jdbi jdbi, EventLog log, EventHub hub, EventMeters meters, Dialect dialect,
                   List<EventRecorder> recorders) {
        this.jdbi = jdbi;
        this.log = log;
        this.hub = hub;
        this.meters = meters;
        this.recorders = List.copyOf(recorders);
        this.group = dialect == Dialect.SQLITE ? new GroupCommit(jdbi, hub, this::tx, this::committed) : null;
    }

    public interface Work<T> {
        T run(Tx tx);
    }

    /** The open transaction: its handle, and where to record events. */
    public static final class Tx {
        private final Handle handle;
        private final EventLog log;
        private final List<EventRecorder> recorders;
        private final long now;
        private final List<JobEvent> recorded = new ArrayList<>();
        private final List<Runnable> afterCommit = new ArrayList<>();

        private Tx(Handle handle, EventLog log, List<EventRecorder> recorders, long now) {
            this.handle = handle;
            this.log = log;
            this.recorders = recorders;
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
            for (EventRecorder recorder : recorders) {
                recorder.recorded(this, jobId, List.of(payloads));
            }
        }

        /**
         * Runs once the transaction committed, never if it rolled back: for effects outside the database (metrics).
         */
        public void afterCommit(Runnable action) {
            afterCommit.add(action);
        }

        List<JobEvent> recorded() {
            return recorded;
        }

        List<Runnable> afterCommitActions() {
            return afterCommit;
        }
    }

    public <T> T run(Work<T> work) {
        if (group != null) {
            return group.run(work);
        }
        List<JobEvent> recorded = new ArrayList<>();
        List<Runnable> afterCommit = new ArrayList<>();
        T result = jdbi.inTransaction(h -> {
            Tx tx = tx(h);
            T value = work.run(tx);
            recorded.addAll(tx.recorded);
            afterCommit.addAll(tx.afterCommit);
            if (!recorded.isEmpty()) {
                hub.beforeCommit(h, recorded);
            }
            return value;
        });
        committed(recorded, afterCommit);
        return result;
    }

    private Tx tx(Handle handle) {
        return new Tx(handle, log, recorders, System.currentTimeMillis());
    }

    /** What follows a commit: its events to the hub, then the work's own after-commit actions. */
    private void committed(List<JobEvent> events, List<Runnable> afterCommit) {
        if (!events.isEmpty()) {
            hub.publish(events);
            events.forEach(event -> meters.published(event.type()));
        }
        afterCommit.forEach(Runnable::run);
    }

    @Override
    public void destroy() throws InterruptedException {
        if (group != null) {
            group.close();
        }
    }
}
