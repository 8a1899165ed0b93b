package dev.mondrian.functions.events;

/**
 * Hears of every job that records events, on this instance or, on PostgreSQL, any other: what a view of all
 * jobs (the operator's page) needs, without a subscription per job. It is told which job changed, not how:
 * the listener reads what it shows from the database. The hub calls it on the publishing thread, so it must
 * return at once and never throw.
 */
public interface JobChangeListener {
    void changed(String jobId);

    /** Notices may have been lost (the hub was not hearing other instances for a while): anything may have changed. */
    void resync();

    /** Stops the listener hearing more. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
