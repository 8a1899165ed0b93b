package dev.mondrian.functions.webhooks;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code webhookDeliveries}: on AWS Lambda, where nothing runs between requests, the function a schedule invokes
 * (every minute: infra/) to send the deliveries that are due, the outbox's retries included. It sends until none is
 * due or {@link #BUDGET} has passed, and answers how many it attempted.
 */
@Configuration(proxyBeanMethods = false)
class WebhookFunction {
    /** Well inside the function's timeout, so a run never ends mid-attempt. */
    static final Duration BUDGET = Duration.ofSeconds(40);

    @Bean
    Function<Map<String, Object>, Map<String, Integer>> webhookDeliveries(WebhookSender sender) {
        return scheduledEvent -> {
            long end = System.nanoTime() + BUDGET.toNanos();
            int attempted = 0;
            try {
                for (int sent = sender.deliverDue(); sent > 0 && System.nanoTime() < end; sent = sender.deliverDue()) {
                    attempted += sent;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Map.of("attempted", attempted);
        };
    }
}
