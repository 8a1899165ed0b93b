package dev.mondrian.functions.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Events this instance committed and handed to its hub ({@code mondrian.events.published} by type), and subscribers
 * the hub cut off because they fell behind their buffer ({@code mondrian.events.dropped}; their clients resume from
 * their last seq).
 */
@Component
public class EventMeters {
    private final MeterRegistry registry;
    private final Map<String, Counter> published = new ConcurrentHashMap<>();
    private final Counter dropped;

    public EventMeters(MeterRegistry registry) {
        this.registry = registry;
        this.dropped = Counter.builder("mondrian.events.dropped")
                .description("Streams cut off because their client fell behind its buffer").register(registry);
    }

    public void published(String type) {
        published.computeIfAbsent(type, t -> Counter.builder("mondrian.events.published").tag("type", t)
                .description("Events committed by this instance and handed to its hub").register(registry)).increment();
    }

    public void subscriberDropped() {
        dropped.increment();
    }
}
