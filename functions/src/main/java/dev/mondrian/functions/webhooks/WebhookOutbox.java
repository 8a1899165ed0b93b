package dev.mondrian.functions.webhooks;

import dev.mondrian.functions.MondrianProperties;
import dev.mondrian.functions.events.EventPayload;
import dev.mondrian.functions.events.EventRecorder;
import dev.mondrian.functions.events.Journal;
import dev.mondrian.functions.http.Secrets;
import dev.mondrian.functions.jobs.JobRepository;
import dev.mondrian.functions.jobs.JobView;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The webhooks' outbox: when a job's events are recorded, the deliveries they call for are written in the same
 * transaction ({@code webhook_deliveries}), so a delivery exists exactly when its event does, on any instance, and
 * survives a restart until {@link WebhookSender} has delivered it. A {@code start} or {@code completed} delivery's
 * body is the job as that transaction leaves it. {@code output} is throttled: while a job's output delivery waits
 * unsent it stands for every newer event (its body is the job as it is when it is sent), and the next one is not due
 * before the job's update interval has passed.
 */
@Component
class WebhookOutbox implements EventRecorder {
    private static final int CACHED_JOBS = 10_000;

    private final long retryForMs;
    /** A job's webhook never changes once the job exists, so every instance may keep what it read. */
    private final Map<String, Optional<Subscription>> subscriptions = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<Subscription>> eldest) {
            return size() > CACHED_JOBS;
        }
    };

    private final JobRepository jobs;
    private final JsonMapper json;

    WebhookOutbox(MondrianProperties properties, JobRepository jobs, JsonMapper json) {
        this.retryForMs = properties.webhookRetryFor().toMillis();
        this.jobs = jobs;
        this.json = json;
    }

    @Override
    public void recorded(Journal.Tx tx, String jobId, List<EventPayload> payloads) {
        Set<String> moments = moments(payloads);
        if (moments.isEmpty()) {
            return;
        }
        Optional<Subscription> subscription = subscription(tx.handle(), jobId);
        if (subscription.isEmpty()) {
            return;
        }
        for (String moment : moments) {
            if (!subscription.get().events().contains(moment)) {
                continue;
            }
            if (moment.equals(Subscription.OUTPUT)) {
                output(tx, jobId);
            } else {
                String body = json.writeValueAsString(JobView.of(jobs.find(tx.handle(), jobId).orElseThrow()));
                enqueue(tx, jobId, moment, tx.now(), body);
            }
        }
    }

    /** Which of a webhook's moments these events are. */
    private static Set<String> moments(List<EventPayload> payloads) {
        Set<String> moments = new TreeSet<>();
        for (EventPayload payload : payloads) {
            switch (payload) {
                case EventPayload.StatusUpdate update when "running".equals(update.jobData().status()) ->
                        moments.add(Subscription.START);
                case EventPayload.Token token -> moments.add(Subscription.OUTPUT);
                case EventPayload.ThinkingUpdate thinking -> moments.add(Subscription.OUTPUT);
                case EventPayload.Done done -> moments.add(Subscription.COMPLETED);
                default -> { }
            }
        }
        return moments;
    }

    private Optional<Subscription> subscription(Handle h, String jobId) {
        synchronized (subscriptions) {
            Optional<Subscription> known = subscriptions.get(jobId);
            if (known != null) {
                return known;
            }
        }
        Optional<Subscription> read = h.createQuery("SELECT url, events FROM webhooks WHERE job_id = :job")
                .bind("job", jobId)
                .map((rs, ctx) -> new Subscription(rs.getString("url"),
                        Set.copyOf(Arrays.asList(rs.getString("events").split(",")))))
                .findOne();
        synchronized (subscriptions) {
            subscriptions.put(jobId, read);
        }
        return read;
    }

    private void output(Journal.Tx tx, String jobId) {
        Optional<Map<String, Object>> last = tx.handle().createQuery("SELECT state, body, due_at FROM webhook_deliveries "
                        + "WHERE job_id = :job AND event = 'output' ORDER BY due_at DESC LIMIT 1")
                .bind("job", jobId).mapToMap().findOne();
        if (last.isPresent() && "pending".equals(last.get().get("state")) && last.get().get("body") == null) {
            return; // the waiting one will carry this too
        }
        long interval = tx.handle().createQuery("SELECT update_interval_ms FROM jobs WHERE id = :job")
                .bind("job", jobId).mapTo(Long.class).one();
        long due = last.map(row -> ((Number) row.get("due_at")).longValue() + interval).orElse(tx.now());
        enqueue(tx, jobId, Subscription.OUTPUT, Math.max(tx.now(), due), null);
    }

    private void enqueue(Journal.Tx tx, String jobId, String moment, long due, String body) {
        tx.handle().createUpdate("INSERT INTO webhook_deliveries (id, job_id, event, state, body, due_at, retry_until, "
                        + "created_at) VALUES (:id, :job, :event, 'pending', :body, :due, :until, :now)")
                // The Standard Webhooks message id, the same on every attempt so receivers can drop a repeat.
                .bind("id", "msg_" + Secrets.randomHex(16)).bind("job", jobId).bind("event", moment).bind("body", body)
                .bind("due", due).bind("until", due + retryForMs).bind("now", tx.now()).execute();
    }
}
