package dev.mondrian.functions.events;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans events out across function instances that share one PostgreSQL database, with LISTEN/NOTIFY.
 * Each instance hands its events to its own subscribers at once, and, inside the transaction that
 * records them, notifies the others of the job and the seq range (NOTIFY delivers at commit, and
 * never if the transaction rolls back). An instance with subscribers for that job reads those events
 * from the log, where they are committed, and hands them to its subscribers. A notification carries no
 * event data: NOTIFY's payload is limited to 8000 bytes, and a finished analysis can be longer.
 *
 * <p>Delivery stays exactly-once and in order because {@link EventStream} drops what it has seen and
 * fills any gap from the log. Whenever the listening connection is (re)opened, every watched job is
 * nudged with its newest event, so a stream that missed notifications while the connection was down
 * finds its gap and catches up.
 *
 * <p>All-jobs listeners ({@link #listenToAll}) hear of every other instance's notice, watched job or not, and
 * are told to resync whenever the listening connection is (re)opened.
 */
final class PostgresEventHub extends ForwardingEventHub<LocalEventHub> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PostgresEventHub.class);
    static final String CHANNEL = "mondrian_events";
    private static final int POLL_MS = 500;
    private static final long RECONNECT_MS = 1_000;

    /** How the hub opens its own long-lived connection, outside the pool, to LISTEN on. */
    record Listener(String url, String user, String password) {
        Connection open() throws SQLException {
            return user.isBlank() ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password);
        }
    }

    private final EventLog eventLog;
    private final Listener listener;
    /** Tells this instance's own notifications apart: its subscribers already have those events. */
    private final String instance = UUID.randomUUID().toString();
    private final Thread thread;
    private volatile boolean closed;

    PostgresEventHub(LocalEventHub local, EventLog eventLog, Listener listener) {
        super(local);
        this.eventLog = eventLog;
        this.listener = listener;
        this.thread = Thread.ofPlatform().daemon().name("postgres-event-listener").unstarted(this::listen);
    }

    PostgresEventHub start() {
        thread.start();
        return this;
    }

    /** The local hub needs nothing before a commit; other instances are told here. */
    @Override
    public void beforeCommit(Handle handle, List<JobEvent> events) {
        Map<String, long[]> ranges = new LinkedHashMap<>();
        for (JobEvent event : events) {
            ranges.merge(event.jobId(), new long[] {event.seq(), event.seq()},
                    (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        ranges.forEach((jobId, range) -> handle.createQuery("SELECT pg_notify(:channel, :payload)")
                .bind("channel", CHANNEL).bind("payload", new Notice(instance, jobId, range[0], range[1]).payload())
                .mapTo(String.class).list());
    }

    /** What one notification says: which instance recorded which of a job's events. */
    record Notice(String instance, String jobId, long firstSeq, long lastSeq) {
        String payload() {
            return instance + ' ' + firstSeq + ' ' + lastSeq + ' ' + jobId;
        }

        static Notice parse(String payload) {
            String[] parts = payload.split(" ", 4);
            return new Notice(parts[0], parts[3], Long.parseLong(parts[1]), Long.parseLong(parts[2]));
        }
    }

    private void listen() {
        while (!closed) {
            try (Connection connection = listener.open()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                nudgeWatchedJobs();
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MS);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            deliver(Notice.parse(notification.getParameter()));
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                log.warn("listening for other instances' events failed ({}); retrying in {} ms", e.getMessage(),
                        RECONNECT_MS);
                try {
                    Thread.sleep(RECONNECT_MS);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void deliver(Notice notice) {
        if (notice.instance().equals(instance)) {
            return;
        }
        if (!inner.watching(notice.jobId())) {
            inner.changedElsewhere(notice.jobId());
            return;
        }
        int count = (int) (notice.lastSeq() - notice.firstSeq() + 1);
        inner.publish(eventLog.after(notice.jobId(), notice.firstSeq() - 1, count));
    }

    private void nudgeWatchedJobs() {
        inner.missedOtherInstances();
        for (String jobId : inner.watchedJobs()) {
            eventLog.newest(jobId).ifPresent(event -> inner.publish(List.of(event)));
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.interrupt();
        thread.join(POLL_MS * 4L);
    }
}
