package dev.mondrian.functions.housekeeping;

import dev.mondrian.functions.retention.Retention;
import dev.mondrian.functions.webhooks.WebhookSender;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code housekeeping}: on AWS Lambda, where nothing runs between requests, the function a schedule invokes (every
 * minute: infra/) for what a server's own threads do there: delete what outlived {@code mondrian.retention}, and send
 * the webhook deliveries that are due, the outbox's retries included, until none is due or {@link #BUDGET} has
 * passed. It answers how many jobs it deleted and deliveries it attempted.
 */
@Configuration(proxyBeanMethods = false)
class HousekeepingFunction {
    /** Well inside the function's timeout, so a run never ends mid-attempt. */
    static final Duration BUDGET = Duration.ofSeconds(40);

    @Bean
    Function<Map<String, Object>, Map<String, Integer>> housekeeping(WebhookSender sender, Retention retention) {
        return scheduledEvent -> {
            int deleted = retention.sweep();
            long end = System.nanoTime() + BUDGET.toNanos();
            int attempted = 0;
            try {
                for (int sent = sender.deliverDue(); sent > 0 && System.nanoTime() < end; sent = sender.deliverDue()) {
                    attempted += sent;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Map.of("attempted", attempted, "deleted", deleted);
        };
    }
}
