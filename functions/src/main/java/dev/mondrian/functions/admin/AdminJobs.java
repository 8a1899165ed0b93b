package dev.mondrian.functions.admin;

import dev.mondrian.functions.jobs.JobRepository;
import dev.mondrian.functions.jobs.JobService;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.springframework.stereotype.Component;

/** The operator's reads of the jobs table: the newest jobs, or the given ones, as {@link AdminJob} rows. */
@Component
public class AdminJobs {
    /** Ids one read may name; the admin stream never asks for more at once. */
    static final int MAX_IDS = 500;
    /** A job's newest event is the one numbered last_seq: a primary-key lookup, not a scan of its log. */
    private static final String SELECT = "SELECT " + JobRepository.COLUMNS + ", COALESCE((SELECT e.at FROM job_events e "
            + "WHERE e.job_id = jobs.id AND e.seq = jobs.last_seq), created_at) AS updated_at FROM jobs ";

    private final Jdbi jdbi;

    AdminJobs(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Newest first; {@code limit} as {@code GET /api/jobs} takes it (1 to 500, default 50). */
    public List<AdminJob> list(Integer limit) {
        int n = JobService.listLimit(limit);
        return jdbi.withHandle(h -> h.createQuery(SELECT + "ORDER BY created_at DESC, id LIMIT :limit")
                .bind("limit", n).map(AdminJobs::row).list());
    }

    /** The rows of these jobs, in no particular order; at most {@link #MAX_IDS} ids. */
    List<AdminJob> rows(Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        if (ids.size() > MAX_IDS) {
            throw new IllegalArgumentException(ids.size() + " ids in one read; the most is " + MAX_IDS);
        }
        return jdbi.withHandle(h -> h.createQuery(SELECT + "WHERE id IN (<ids>)")
                .bindList("ids", List.copyOf(ids)).map(AdminJobs::row).list());
    }

    private static AdminJob row(ResultSet rs, StatementContext ctx) throws SQLException {
        return AdminJob.of(JobRepository.job(rs, ctx), rs.getLong("updated_at"));
    }
}
