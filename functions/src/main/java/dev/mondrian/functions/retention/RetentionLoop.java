package dev.mondrian.functions.retention;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** On a server with a retention set, the sweep runs on a schedule of its own (on Lambda: the scheduled function). */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class RetentionLoop implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(RetentionLoop.class);

    private final Retention retention;
    private ScheduledExecutorService timer;

    RetentionLoop(Retention retention) {
        this.retention = retention;
    }

    @Override
    public void start() {
        if (!retention.enabled()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("retention").factory());
        long every = retention.every().toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                retention.sweep();
            } catch (RuntimeException e) {
                log.error("retention: the sweep failed; it runs again in {} ms", every, e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
