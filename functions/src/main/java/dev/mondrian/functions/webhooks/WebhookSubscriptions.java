package dev.mondrian.functions.webhooks;

import dev.mondrian.functions.http.ApiException;
import dev.mondrian.functions.jobs.CreationStep;
import dev.mondrian.functions.jobs.JobRequest;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.stereotype.Component;

/**
 * A new job's {@code webhook} and {@code webhook_events}: checked with the job's other fields (a bad one refuses the
 * job and stores nothing), kept in {@code webhooks} in the job's transaction.
 */
@Component
class WebhookSubscriptions implements CreationStep {
    static final Set<String> EVENTS = Set.of(Subscription.START, Subscription.OUTPUT, Subscription.COMPLETED);

    private final WebhookTargets targets;

    WebhookSubscriptions(WebhookTargets targets) {
        this.targets = targets;
    }

    @Override
    public Write check(JobRequest request, String owner) {
        boolean events = request.webhookEvents() != null && !request.webhookEvents().isEmpty();
        if (request.webhook() == null || request.webhook().isBlank()) {
            if (events) {
                throw ApiException.badRequest("webhook_events given without a webhook");
            }
            return (tx, jobId) -> { };
        }
        String url = targets.check(request.webhook()).toString();
        String names = String.join(",", events(request.webhookEvents()));
        return (tx, jobId) -> tx.handle().createUpdate("INSERT INTO webhooks (job_id, url, events, created_at) "
                        + "VALUES (:job, :url, :events, :now)")
                .bind("job", jobId).bind("url", url).bind("events", names).bind("now", tx.now()).execute();
    }

    /** The names asked for, each of them known; {@code completed} when none. */
    private static Set<String> events(List<String> asked) {
        Set<String> names = new TreeSet<>();
        if (asked != null) {
            for (String field : asked) {
                for (String name : field.split(",")) {
                    if (!name.isBlank()) {
                        names.add(name.strip());
                    }
                }
            }
        }
        if (names.isEmpty()) {
            return Set.of(Subscription.COMPLETED);
        }
        for (String name : names) {
            if (!EVENTS.contains(name)) {
                throw ApiException.badRequest("webhook_events: unknown event '" + name + "'; known: start, output, completed");
            }
        }
        return names;
    }
}
