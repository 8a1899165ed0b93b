package dev.mondrian.functions.events;

import dev.mondrian.functions.store.StatementCache;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The durable, per-job ordered log in {@code job_events}; seq numbers come from {@code jobs.last_seq}. */
@Component
public class EventLog {
    private final Jdbi jdbi;
    private final JsonMapper json;

    public EventLog(Jdbi jdbi, JsonMapper json) {
        this.jdbi = jdbi;
        this.json = json;
    }

    /** Appends inside the caller's transaction; the events become visible when it commits. */
    List<JobEvent> append(Handle h, String jobId, List<EventPayload> payloads, long at) {
        // Plain statements (StatementCache.plain): every runner update appends.
        long last = StatementCache.plain(h, "UPDATE jobs SET last_seq = last_seq + ? WHERE id = ? RETURNING last_seq",
                statement -> {
                    statement.setInt(1, payloads.size());
                    statement.setString(2, jobId);
                    try (ResultSet rs = statement.executeQuery()) {
                        if (!rs.next()) {
                            throw new IllegalStateException("no job " + jobId + " to record events for");
                        }
                        return rs.getLong(1);
                    }
                });
        long seq = last - payloads.size();
        List<JobEvent> events = new ArrayList<>(payloads.size());
        for (EventPayload payload : payloads) {
            seq++;
            events.add(new JobEvent(jobId, seq, payload.type(), wire(jobId, seq, payload, at), at));
        }
        StatementCache.plain(h, "INSERT INTO job_events (job_id, seq, type, data, at) VALUES (?, ?, ?, ?, ?)",
                statement -> {
                    for (JobEvent event : events) {
                        statement.setString(1, jobId);
                        statement.setLong(2, event.seq());
                        statement.setString(3, event.type());
                        statement.setString(4, event.json());
                        statement.setLong(5, at);
                        statement.executeUpdate();
                    }
                    return null;
                });
        return events;
    }

    /** Up to {@code limit} events of the job with seq greater than {@code after}, in order. */
    public List<JobEvent> after(String jobId, long after, int limit) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT job_id, seq, type, data, at FROM job_events WHERE job_id = :job AND seq > :after ORDER BY seq LIMIT :limit")
                .bind("job", jobId).bind("after", after).bind("limit", limit)
                .map(EventLog::event)
                .list());
    }

    /** The job's most recent event, if it has any. */
    Optional<JobEvent> newest(String jobId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT job_id, seq, type, data, at FROM job_events WHERE job_id = :job ORDER BY seq DESC LIMIT 1")
                .bind("job", jobId)
                .map(EventLog::event)
                .findOne());
    }

    /** The job's most recent event of the given type, if it has one. */
    public Optional<JobEvent> latest(String jobId, String type) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT job_id, seq, type, data, at FROM job_events WHERE job_id = :job AND type = :type ORDER BY seq DESC LIMIT 1")
                .bind("job", jobId).bind("type", type)
                .map(EventLog::event)
                .findOne());
    }

    private static JobEvent event(ResultSet rs, StatementContext ctx) throws SQLException {
        return new JobEvent(rs.getString("job_id"), rs.getLong("seq"), rs.getString("type"), rs.getString("data"),
                rs.getLong("at"));
    }

    private String wire(String jobId, long seq, EventPayload payload, long at) {
        ObjectNode node = json.createObjectNode();
        node.put("type", payload.type());
        node.put("job_id", jobId);
        node.put("seq", seq);
        node.put("at", at);
        node.setAll((ObjectNode) json.valueToTree(payload));
        return json.writeValueAsString(node);
    }
}
