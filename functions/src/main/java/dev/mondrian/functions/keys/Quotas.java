package dev.mondrian.functions.keys;

import dev.mondrian.functions.MondrianProperties;
import dev.mondrian.functions.events.Journal;
import dev.mondrian.functions.http.ApiException;
import dev.mondrian.functions.jobs.CreationStep;
import dev.mondrian.functions.jobs.JobRequest;
import dev.mondrian.functions.store.Dialect;
import java.time.Duration;
import org.jdbi.v3.core.Handle;
import org.springframework.stereotype.Component;

/**
 * How many jobs a key may create a minute and have queued or running at once (with client keys off: everyone
 * together). Counted in the new job's own transaction, after its row is written, from the jobs table itself, with
 * the key's row (or the anonymous gate's) locked on PostgreSQL, so that instances admit one job at a time and the
 * limits hold across all of them, on Lambda too. Over a limit the transaction rolls back: nothing of the job stays.
 */
@Component
class Quotas implements CreationStep {
    private static final long MINUTE = Duration.ofMinutes(1).toMillis();
    /** A full key waits for a job to end, which cannot be foretold. */
    private static final long RETRY_WHEN_FULL_S = 10;

    private final boolean keysOn;
    private final int perMinute;
    private final int maxActive;
    private final String lock;

    Quotas(MondrianProperties properties, Dialect dialect) {
        this.keysOn = properties.clientKeys();
        this.perMinute = keysOn ? properties.keyJobsPerMinute() : properties.anonymousJobsPerMinute();
        this.maxActive = keysOn ? properties.keyMaxActive() : properties.anonymousMaxActive();
        String forUpdate = dialect == Dialect.POSTGRESQL ? " FOR UPDATE" : "";
        this.lock = keysOn ? "SELECT id FROM client_keys WHERE id = :owner" + forUpdate
                : "SELECT name FROM quota_gate WHERE name = 'anonymous'" + forUpdate;
    }

    @Override
    public Write check(JobRequest request, String owner) {
        if (perMinute <= 0 && maxActive <= 0) {
            return (tx, jobId) -> { };
        }
        return (tx, jobId) -> admit(tx, owner);
    }

    private void admit(Journal.Tx tx, String owner) {
        Handle h = tx.handle();
        var gate = h.createQuery(lock);
        if (keysOn) {
            gate.bind("owner", owner);
        }
        gate.mapTo(String.class).list();
        String whose = keysOn ? "owner_key = :owner" : "1 = 1";
        String who = keysOn ? "this key" : "this service";
        if (perMinute > 0) {
            long since = tx.now() - MINUTE;
            long recent = count(h, "SELECT COUNT(*) FROM jobs WHERE " + whose + " AND created_at > :since", owner, since);
            if (recent > perMinute) {
                long oldest = count(h, "SELECT MIN(created_at) FROM jobs WHERE " + whose + " AND created_at > :since",
                        owner, since);
                throw ApiException.tooManyRequests(who + " may create " + perMinute + " jobs a minute",
                        (oldest + MINUTE - tx.now() + 999) / 1000);
            }
        }
        if (maxActive > 0) {
            long active = count(h, "SELECT COUNT(*) FROM jobs WHERE " + whose + " AND status IN ('queued', 'running')",
                    owner, 0);
            if (active > maxActive) {
                throw ApiException.tooManyRequests(who + " may have " + maxActive + " jobs queued or running at once",
                        RETRY_WHEN_FULL_S);
            }
        }
    }

    /** One number; binds only the parameters the statement names. */
    private long count(Handle h, String sql, String owner, long since) {
        var query = h.createQuery(sql);
        if (sql.contains(":owner")) {
            query.bind("owner", owner);
        }
        if (sql.contains(":since")) {
            query.bind("since", since);
        }
        return query.mapTo(Long.class).findFirst().orElse(0L);
    }
}
