package dev.mondrian.functions.lambda;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.springframework.stereotype.Component;

/** API Gateway WebSocket connections and the job each one watches, kept in the database: Lambdas keep nothing. */
@Component
class WebSocketConnections {
    private final Jdbi jdbi;

    WebSocketConnections(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    void add(String connectionId, String jobId, long now) {
        jdbi.useHandle(h -> h.createUpdate(
                        "INSERT INTO websocket_connections (connection_id, job_id, created_at) VALUES (:id, :job, :now)")
                .bind("id", connectionId).bind("job", jobId).bind("now", now).execute());
    }

    void remove(String connectionId) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM websocket_connections WHERE connection_id = :id")
                .bind("id", connectionId).execute());
    }

    Optional<String> jobOf(String connectionId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT job_id FROM websocket_connections WHERE connection_id = :id")
                .bind("id", connectionId).mapTo(String.class).findOne());
    }

    List<String> watching(String jobId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT connection_id FROM websocket_connections WHERE job_id = :job ORDER BY created_at")
                .bind("job", jobId).mapTo(String.class).list());
    }
}
