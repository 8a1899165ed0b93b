package dev.mondrian.functions.runnerapi;

import dev.mondrian.functions.jobs.Job;
import dev.mondrian.functions.jobs.JobRepository;
import dev.mondrian.functions.store.Dialect;
import dev.mondrian.functions.store.StatementCache;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.springframework.stereotype.Component;

/** Named SQL for the runner side of {@code jobs}: claiming, renewing, progress, expiry. */
@Component
class LeaseRepository {
    private final Jdbi jdbi;
    /** The lock a claim takes on the row it picks, after the query that picks it. */
    private final String rowLock;

    LeaseRepository(Jdbi jdbi, Dialect dialect) {
        this.jdbi = jdbi;
        // PostgreSQL: a claim passes over a row another claim has locked and takes the next, instead of
        // queueing behind it and then finding it no longer queued. SQLite has one writer at a time anyway.
        this.rowLock = dialect == Dialect.POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "";
    }

    /**
     * Takes the oldest queued job under a new lease; progress of an earlier attempt is reset.
     *
     * @param skipAdvisors advisors whose jobs this runner cannot serve (it lacks their adapter)
     */
    Optional<Job> claimOldestQueued(Handle h, String leaseId, String runnerId, long now, long expiresAt,
                                    List<String> skipAdvisors) {
        String oldest = "SELECT id FROM jobs WHERE status = 'queued'"
                + (skipAdvisors.isEmpty() ? "" : " AND advisor NOT IN (<skip>)")
                + " ORDER BY created_at, id LIMIT 1" + rowLock;
        var query = h.createQuery("UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_id = :lease, "
                        + "lease_epoch = lease_epoch + 1, lease_expires_at = :expires, runner_id = :runner, "
                        + "last_update_seq = 0, tokens = 0, tokens_per_second = 0, prompt_tokens = 0, elapsed_ms = 0, "
                        + "started_at = COALESCE(started_at, :now) "
                        + "WHERE id = (" + oldest + ") "
                        + "AND status = 'queued' RETURNING " + JobRepository.COLUMNS)
                .bind("lease", leaseId).bind("expires", expiresAt).bind("runner", runnerId).bind("now", now);
        if (!skipAdvisors.isEmpty()) {
            query.bindList("skip", skipAdvisors);
        }
        return query.map(JobRepository::job).findOne();
    }

    void renew(Handle h, String jobId, long expiresAt) {
        h.createUpdate("UPDATE jobs SET lease_expires_at = :expires WHERE id = :id")
                .bind("expires", expiresAt).bind("id", jobId).execute();
    }

    /** A runner's progress report, which also renews its lease until {@code expiresAt}. */
    void recordProgress(Handle h, String jobId, long updateSeq, int tokens, double tokensPerSecond, int promptTokens,
                        long elapsedMs, long expiresAt) {
        // A plain statement (StatementCache.plain): this runs for every runner update.
        StatementCache.plain(h, "UPDATE jobs SET last_update_seq = ?, tokens = ?, tokens_per_second = ?, "
                + "prompt_tokens = ?, elapsed_ms = ?, lease_expires_at = ? WHERE id = ?", statement -> {
            statement.setLong(1, updateSeq);
            statement.setInt(2, tokens);
            statement.setDouble(3, tokensPerSecond);
            statement.setInt(4, promptTokens);
            statement.setLong(5, elapsedMs);
            statement.setLong(6, expiresAt);
            statement.setString(7, jobId);
            return statement.executeUpdate();
        });
    }

    /**
     * Returns a job to the queue at once, its claim not counted as an attempt: the runner gave it
     * back (shutting down), it did not fail at it.
     */
    boolean release(Handle h, String jobId, long epoch) {
        return h.createUpdate("UPDATE jobs SET status = 'queued', attempts = attempts - 1, lease_id = NULL, "
                        + "lease_expires_at = NULL, runner_id = NULL WHERE id = :id AND status = 'running' "
                        + "AND lease_epoch = :epoch")
                .bind("id", jobId).bind("epoch", epoch).execute() == 1;
    }

    List<Job> runningWithLeaseExpiredBefore(long now) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + JobRepository.COLUMNS + " FROM jobs "
                        + "WHERE status = 'running' AND lease_expires_at < :now ORDER BY lease_expires_at")
                .bind("now", now).map(JobRepository::job).list());
    }

    /** Returns a job whose lease lapsed to the queue, unless that lease was renewed or replaced meanwhile. */
    boolean requeue(Handle h, String jobId, long epoch, long now) {
        return h.createUpdate("UPDATE jobs SET status = 'queued', lease_id = NULL, lease_expires_at = NULL, "
                        + "runner_id = NULL WHERE id = :id AND status = 'running' AND lease_epoch = :epoch "
                        + "AND lease_expires_at < :now")
                .bind("id", jobId).bind("epoch", epoch).bind("now", now).execute() == 1;
    }
}
