package dev.mondrian.functions.webhooks;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.springframework.stereotype.Component;

/**
 * Named SQL over the outbox. A delivery is {@code pending} until due, {@code sending} while an instance holds it (a
 * lease, so one whose instance died is taken up again), then {@code delivered}, or {@code failed} once its retries ran
 * out; every attempt is a row of {@code webhook_attempts}.
 */
@Component
class WebhookRepository {
    private static final String DUE = "(state = 'pending' AND due_at <= :now) OR (state = 'sending' AND lease_until < :now)";
    private static final String DELIVERY = "SELECT d.id, d.job_id, d.event, w.url, d.state, d.attempts, d.created_at, "
            + "d.due_at, d.delivered_at, d.body, d.retry_until FROM webhook_deliveries d JOIN webhooks w ON w.job_id = d.job_id ";

    /** What an attempt needs. */
    record Pending(String id, String jobId, String event, String url, String body, int attempts, long retryUntil) {}

    private final Jdbi jdbi;

    WebhookRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    List<String> due(long now, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM webhook_deliveries WHERE " + DUE
                        + " ORDER BY due_at LIMIT :limit")
                .bind("now", now).bind("limit", limit).mapTo(String.class).list());
    }

    /** Takes a due delivery for this instance until {@code leaseUntil}; false when another took it first. */
    boolean claim(String id, long now, long leaseUntil) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE webhook_deliveries SET state = 'sending', lease_until = :until "
                        + "WHERE id = :id AND (" + DUE + ")")
                .bind("id", id).bind("now", now).bind("until", leaseUntil).execute() == 1);
    }

    Pending pending(String id) {
        return jdbi.withHandle(h -> h.createQuery(DELIVERY + "WHERE d.id = :id").bind("id", id)
                .map((rs, ctx) -> new Pending(rs.getString("id"), rs.getString("job_id"), rs.getString("event"),
                        rs.getString("url"),
                        rs.getString("body"), rs.getInt("attempts"), rs.getLong("retry_until")))
                .one());
    }

    /** The body is fixed at the first attempt, so every retry of a message carries the same one. */
    void keepBody(String id, String body) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE webhook_deliveries SET body = :body WHERE id = :id AND body IS NULL")
                .bind("id", id).bind("body", body).execute());
    }

    /**
     * Records an attempt and what follows it: delivered ({@code error} null), due again at {@code retryAt}, or given up
     * ({@code retryAt} null).
     */
    void attempted(String id, int attempt, long at, Integer status, String error, long durationMs, Long retryAt) {
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, error, duration_ms) "
                            + "VALUES (:id, :attempt, :at, :status, :error, :duration)")
                    .bind("id", id).bind("attempt", attempt).bind("at", at).bind("status", status)
                    .bind("error", error).bind("duration", durationMs).execute();
            String state = error == null ? "delivered" : retryAt == null ? "failed" : "pending";
            h.createUpdate("UPDATE webhook_deliveries SET state = :state, attempts = :attempt, lease_until = NULL, "
                            + "due_at = COALESCE(:retry, due_at), delivered_at = :delivered WHERE id = :id")
                    .bind("id", id).bind("state", state).bind("attempt", attempt).bind("retry", retryAt)
                    .bind("delivered", error == null ? at : null).execute();
        });
    }

    /** Due again now, with a fresh window of retries; false for an unknown id. */
    boolean redeliver(String id, long now, long retryUntil) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE webhook_deliveries SET state = 'pending', due_at = :now, "
                        + "retry_until = :until, lease_until = NULL, delivered_at = NULL WHERE id = :id")
                .bind("id", id).bind("now", now).bind("until", retryUntil).execute() == 1);
    }

    List<WebhookDelivery> newest(int limit) {
        return withAttempts(jdbi.withHandle(h -> h.createQuery(DELIVERY + "ORDER BY d.created_at DESC, d.id LIMIT :limit")
                .bind("limit", limit).map(WebhookRepository::delivery).list()));
    }

    Optional<WebhookDelivery> find(String id) {
        return withAttempts(jdbi.withHandle(h -> h.createQuery(DELIVERY + "WHERE d.id = :id").bind("id", id)
                .map(WebhookRepository::delivery).list())).stream().findFirst();
    }

    private List<WebhookDelivery> withAttempts(List<WebhookDelivery> deliveries) {
        if (deliveries.isEmpty()) {
            return deliveries;
        }
        Map<String, List<WebhookDelivery.Attempt>> attempts = new LinkedHashMap<>();
        deliveries.forEach(d -> attempts.put(d.id(), new ArrayList<>()));
        jdbi.useHandle(h -> h.createQuery("SELECT delivery_id, attempt, at, status_code, error, duration_ms "
                        + "FROM webhook_attempts WHERE delivery_id IN (<ids>) ORDER BY delivery_id, attempt")
                .bindList("ids", List.copyOf(attempts.keySet()))
                .map((rs, ctx) -> Map.entry(rs.getString("delivery_id"), new WebhookDelivery.Attempt(rs.getInt("attempt"),
                        rs.getLong("at"), nullableInt(rs, "status_code"), rs.getString("error"), rs.getLong("duration_ms"))))
                .forEach(entry -> attempts.get(entry.getKey()).add(entry.getValue())));
        return deliveries.stream().map(d -> new WebhookDelivery(d.id(), d.jobId(), d.event(), d.url(), d.state(),
                d.attempts(), d.createdAt(), d.dueAt(), d.deliveredAt(), List.copyOf(attempts.get(d.id())))).toList();
    }

    private static WebhookDelivery delivery(ResultSet rs, StatementContext ctx) throws SQLException {
        long delivered = rs.getLong("delivered_at");
        Long deliveredAt = rs.wasNull() ? null : delivered;
        return new WebhookDelivery(rs.getString("id"), rs.getString("job_id"), rs.getString("event"), rs.getString("url"),
                rs.getString("state"), rs.getInt("attempts"), rs.getLong("created_at"), rs.getLong("due_at"), deliveredAt,
                List.of());
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }
}
