package dev.mondrian.functions.jobs;

import dev.mondrian.functions.store.Dialect;
import dev.mondrian.functions.store.StatementCache;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.springframework.stereotype.Component;

/** Named SQL over {@code jobs} and {@code images}; the statements run on the caller's handle when they write. */
@Component
public class JobRepository {
    public static final String COLUMNS = "id, status, advisor, prompt, mode, image_id, max_tokens, temperature, "
            + "update_interval_ms, attempts, lease_id, lease_epoch, lease_expires_at, runner_id, last_update_seq, "
            + "tokens, tokens_per_second, prompt_tokens, elapsed_ms, analysis, error, last_seq, created_at, "
            + "started_at, finished_at";
    private static final String FIND = "SELECT " + COLUMNS + " FROM jobs WHERE id = ?";

    private final Jdbi jdbi;
    private final String findLocked;

    public JobRepository(Jdbi jdbi, Dialect dialect) {
        this.jdbi = jdbi;
        // Read-check-write must be atomic: on PostgreSQL the read locks the row until the transaction ends, so
        // another instance's expiry or claim cannot slip in between. SQLite's IMMEDIATE transactions already
        // run one at a time.
        this.findLocked = FIND + (dialect == Dialect.POSTGRESQL ? " FOR UPDATE" : "");
    }

    /** A read: it takes no lock, and waits for no writer. */
    public Optional<Job> find(String id) {
        return jdbi.withHandle(h -> find(h, FIND, id));
    }

    /** The job, its row held by the caller's transaction until it ends. */
    public Optional<Job> find(Handle h, String id) {
        return find(h, findLocked, id);
    }

    /** A plain statement ({@link StatementCache#plain}): every runner update reads its job here. */
    private static Optional<Job> find(Handle h, String sql, String id) {
        return StatementCache.plain(h, sql, statement -> {
            statement.setString(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        });
    }

    public boolean exists(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT 1 FROM jobs WHERE id = :id").bind("id", id)
                .mapTo(Integer.class).findOne().isPresent());
    }

    public long countWithStatus(JobStatus status) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM jobs WHERE status = :status")
                .bind("status", status.wire()).mapTo(Long.class).one());
    }

    public List<Job> newestFirst(int limit) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT " + COLUMNS + " FROM jobs ORDER BY created_at DESC, id LIMIT :limit")
                .bind("limit", limit).map(JobRepository::job).list());
    }

    void insertJob(Handle h, String id, NewJob job, String imageId, String owner, long now) {
        h.createUpdate("INSERT INTO jobs (id, status, advisor, prompt, mode, image_id, max_tokens, temperature, "
                        + "update_interval_ms, owner_key, created_at) VALUES (:id, :status, :advisor, :prompt, :mode, "
                        + ":image, :maxTokens, :temperature, :interval, :owner, :now)")
                .bind("id", id).bind("status", JobStatus.QUEUED.wire()).bind("advisor", job.advisor())
                .bind("prompt", job.prompt()).bind("mode", job.mode()).bind("image", imageId)
                .bind("maxTokens", job.maxTokens()).bind("temperature", job.temperature())
                .bind("interval", job.updateIntervalMs()).bind("owner", owner).bind("now", now).execute();
    }

    /** Moves a job to a final status; returns false if it was already final. */
    public boolean finish(Handle h, String id, JobStatus status, String analysis, String error, long now) {
        return h.createUpdate("UPDATE jobs SET status = :status, analysis = COALESCE(:analysis, analysis), "
                        + "error = :error, lease_expires_at = NULL, finished_at = :now "
                        + "WHERE id = :id AND status IN ('queued', 'running')")
                .bind("status", status.wire()).bind("analysis", analysis).bind("error", error).bind("now", now)
                .bind("id", id).execute() == 1;
    }

    public static Job job(ResultSet rs, StatementContext ctx) throws SQLException {
        return read(rs);
    }

    private static Job read(ResultSet rs) throws SQLException {
        return new Job(
                rs.getString("id"),
                JobStatus.fromWire(rs.getString("status")),
                rs.getString("advisor"),
                rs.getString("prompt"),
                rs.getString("mode"),
                rs.getString("image_id"),
                rs.getInt("max_tokens"),
                rs.getDouble("temperature"),
                rs.getLong("update_interval_ms"),
                rs.getInt("attempts"),
                rs.getString("lease_id"),
                rs.getLong("lease_epoch"),
                nullableLong(rs, "lease_expires_at"),
                rs.getString("runner_id"),
                rs.getLong("last_update_seq"),
                rs.getInt("tokens"),
                rs.getDouble("tokens_per_second"),
                rs.getInt("prompt_tokens"),
                rs.getLong("elapsed_ms"),
                rs.getString("analysis"),
                rs.getString("error"),
                rs.getLong("last_seq"),
                rs.getLong("created_at"),
                nullableLong(rs, "started_at"),
                nullableLong(rs, "finished_at"));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
