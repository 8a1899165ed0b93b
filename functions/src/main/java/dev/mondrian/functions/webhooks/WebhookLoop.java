package dev.mondrian.functions.webhooks;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * On a server, a thread that sends due deliveries as they come: at once while there are some, every quarter second
 * while there are none. (A Lambda function does not run between requests.)
 */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class WebhookLoop implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(WebhookLoop.class);
    private static final Duration IDLE = Duration.ofMillis(250);

    private final WebhookSender sender;
    private volatile Thread thread;

    WebhookLoop(WebhookSender sender) {
        this.sender = sender;
    }

    @Override
    public void start() {
        thread = Thread.ofPlatform().daemon().name("webhook-sender").start(this::run);
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                if (sender.deliverDue() == 0) {
                    Thread.sleep(IDLE);
                }
            } catch (InterruptedException stopping) {
                return;
            } catch (RuntimeException e) {
                log.error("webhook deliveries: cannot read the outbox", e);
                try {
                    Thread.sleep(IDLE.multipliedBy(4));
                } catch (InterruptedException stopping) {
                    return;
                }
            }
        }
    }

    @Override
    public void stop() {
        Thread running = thread;
        if (running != null) {
            running.interrupt();
            try {
                running.join(Duration.ofSeconds(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        thread = null;
    }

    @Override
    public boolean isRunning() {
        return thread != null;
    }
}
