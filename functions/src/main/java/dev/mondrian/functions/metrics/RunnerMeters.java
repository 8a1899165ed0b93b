package dev.mondrian.functions.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Each runner's speed as the service sees it, tagged {@code runner} (the {@code runner_id} of its claims):
 * {@code mondrian.tokens.per.second}, the generation speed it last reported, and {@code mondrian.first.token}, the
 * time from a claim to the first text of that claim reaching the service (what a watcher of the job waits).
 *
 * <p>Claims are remembered by this instance only: a first text another instance receives is measured by none.
 * A runner not heard from for {@link #IDLE} is forgotten, so restarted runners (new ids) do not pile up series.
 */
@Component
public class RunnerMeters {
    static final Duration IDLE = Duration.ofMinutes(10);
    private static final Duration[] FIRST_TOKEN_BUCKETS = {Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final MeterRegistry registry;
    private final Map<String, Runner> runners = new ConcurrentHashMap<>();
    /** Claims whose first text has not come yet, by lease id. */
    private final Map<String, Claim> awaitingText = new ConcurrentHashMap<>();

    public RunnerMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    private record Claim(String runnerId, long at) {}

    private static final class Runner {
        final Gauge speed;
        final Timer firstToken;
        volatile double tokensPerSecond;
        volatile long seenAt = System.nanoTime();

        Runner(String id, MeterRegistry registry) {
            speed = Gauge.builder("mondrian.tokens.per.second", this, r -> r.tokensPerSecond).tag("runner", id)
                    .description("Generation speed the runner last reported").register(registry);
            firstToken = Timer.builder("mondrian.first.token").tag("runner", id)
                    .description("Time from a claim to the first generated text reaching the service")
                    .serviceLevelObjectives(FIRST_TOKEN_BUCKETS).register(registry);
        }
    }

    public void claimed(String runnerId, String leaseId) {
        runner(runnerId);
        awaitingText.put(leaseId, new Claim(runnerId, System.nanoTime()));
    }

    /**
     * A runner's progress report under a lease.
     *
     * @param withText whether it carried generated text
     * @param tokensPerSecond the speed it reported, or null
     */
    public void reported(String runnerId, String leaseId, boolean withText, Double tokensPerSecond) {
        Runner runner = runner(runnerId);
        if (tokensPerSecond != null) {
            runner.tokensPerSecond = tokensPerSecond;
        }
        Claim claim = withText ? awaitingText.remove(leaseId) : null;
        if (claim != null) {
            runner.firstToken.record(System.nanoTime() - claim.at(), TimeUnit.NANOSECONDS);
        }
    }

    private Runner runner(String id) {
        Runner runner = runners.computeIfAbsent(id, key -> new Runner(key, registry));
        runner.seenAt = System.nanoTime();
        return runner;
    }

    @Scheduled(fixedDelay = 60_000)
    void forgetIdle() {
        long now = System.nanoTime();
        awaitingText.values().removeIf(claim -> now - claim.at() > IDLE.toNanos());
        for (String id : runners.keySet()) {
            // Under the map's lock for this id, so a report cannot re-create the meters in between.
            runners.computeIfPresent(id, (key, runner) -> {
                if (now - runner.seenAt <= IDLE.toNanos()) {
                    return runner;
                }
                registry.remove(runner.speed);
                registry.remove(runner.firstToken);
                return null;
            });
        }
    }
}
