package dev.mondrian.functions.webhooks;

import dev.mondrian.functions.MondrianProperties;
import dev.mondrian.functions.http.ApiException;
import dev.mondrian.functions.jobs.JobService;
import dev.mondrian.functions.logging.LogScope;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends the deliveries that are due: each taken under a lease (so several instances share the outbox and none sends
 * a delivery twice at once), its target checked again, POSTed signed with a bounded time and a bounded read of the
 * answer, never following a redirect (which could lead anywhere). A 2xx delivers it; anything else is retried with
 * doubling waits until its window closes. At least once: a receiver may get a message again (same
 * {@code webhook-id}) if the service stopped between sending and recording.
 */
@Component
public class WebhookSender {
    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
    private static final int BATCH = 16;
    private static final int MAX_ANSWER_BYTES = 64 * 1024;
    private static final long MAX_WAIT_MS = Duration.ofMinutes(10).toMillis();

    private final WebhookRepository deliveries;
    private final WebhookTargets targets;
    private final WebhookSigner signer;
    private final JobService jobs;
    private final JsonMapper json;
    private final Duration timeout;
    private final long backoffMs;
    private final HttpClient client;

    WebhookSender(WebhookRepository deliveries, WebhookTargets targets, WebhookSigner signer, JobService jobs,
                  JsonMapper json, MondrianProperties properties) {
        this.deliveries = deliveries;
        this.targets = targets;
        this.signer = signer;
        this.jobs = jobs;
        this.json = json;
        this.timeout = properties.webhookTimeout();
        this.backoffMs = properties.webhookBackoff().toMillis();
        // HTTP/1.1: no h2c upgrade offered to receivers that may not expect one.
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    /** Sends what is due now, in parallel; how many were attempted. */
    public int deliverDue() throws InterruptedException {
        long now = System.currentTimeMillis();
        List<String> due = deliveries.due(now, BATCH);
        if (due.isEmpty()) {
            return 0; // the idle poll, four times a second: nothing to start
        }
        List<Future<?>> sent = new ArrayList<>();
        try (ExecutorService each = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String id : due) {
                // The lease outlasts one attempt: connecting and answering, each within the timeout.
                if (deliveries.claim(id, now, now + 3 * timeout.toMillis())) {
                    sent.add(each.submit(() -> attempt(id)));
                }
            }
        }
        return sent.size();
    }

    private void attempt(String id) {
        WebhookRepository.Pending delivery = deliveries.pending(id);
        try (var fields = LogScope.of(delivery.jobId(), null)) {
            int attempt = delivery.attempts() + 1;
            long start = System.nanoTime();
            long at = System.currentTimeMillis();
            String body = delivery.body();
            if (body == null) {
                try {
                    body = json.writeValueAsString(jobs.get(delivery.jobId()));
                } catch (ApiException gone) {
                    deliveries.attempted(id, attempt, at, null, gone.getMessage(), 0, null);
                    return;
                }
                deliveries.keepBody(id, body);
            }
            Integer status = null;
            String error;
            try {
                status = post(targets.check(delivery.url()), id, delivery.event(), body);
                error = status / 100 == 2 ? null : "the receiver answered " + status;
            } catch (ApiException refused) {
                error = refused.getMessage();
            } catch (IOException e) {
                error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "interrupted: the service is stopping";
            }
            long took = (System.nanoTime() - start) / 1_000_000;
            Long retryAt = error == null ? null : nextTry(attempt, delivery.retryUntil());
            deliveries.attempted(id, attempt, at, status, error, took, retryAt);
            if (error != null) {
                log.warn("webhook {} attempt {} to {} failed: {}; {}", id, attempt, delivery.url(), error,
                        retryAt == null ? "given up" : "retried in " + (retryAt - System.currentTimeMillis()) + " ms");
            }
        }
    }

    private int post(URI target, String id, String event, String body) throws IOException, InterruptedException {
        long timestamp = System.currentTimeMillis() / 1000;
        HttpRequest request = HttpRequest.newBuilder(target).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Mondrian-Webhooks")
                .header("webhook-id", id)
                .header("mondrian-webhook-event", event)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", signer.signature(id, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream answer = response.body()) {
            answer.readNBytes(MAX_ANSWER_BYTES);
        }
        return response.statusCode();
    }

    /** When to try again after {@code attempt} failed: waits doubling from the backoff, null once past the window. */
    private Long nextTry(int attempt, long retryUntil) {
        long wait = Math.min(MAX_WAIT_MS, backoffMs << Math.min(attempt - 1, 20));
        long at = System.currentTimeMillis() + wait;
        return at > retryUntil ? null : at;
    }
}
