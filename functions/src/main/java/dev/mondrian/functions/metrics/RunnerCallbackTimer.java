package dev.mondrian.functions.metrics;

import dev.mondrian.functions.http.RequiresToken;
import dev.mondrian.functions.http.RouteTable;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * {@code mondrian.callbacks}: how long the service takes to answer a runner, per route and status, with histogram
 * buckets so quantiles add up across instances. The runner routes are those that require the runner token, so a
 * new one is timed without being listed here. A claim's time includes its long-poll wait.
 */
@Component
class RunnerCallbackTimer implements HandlerInterceptor {
    private static final String START = RunnerCallbackTimer.class.getName() + ".start";

    private final Meter.MeterProvider<Timer> timers;

    RunnerCallbackTimer(MeterRegistry registry) {
        this.timers = Timer.builder("mondrian.callbacks")
                .description("Time to answer a runner's call, from the handler's start to the response's end")
                .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
                        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
                        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
                        Duration.ofSeconds(30), Duration.ofSeconds(60))
                .withRegistry(registry);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (handler instanceof HandlerMethod method) {
            if (RouteTable.token(method.getMethod()) == RequiresToken.Role.RUNNER) {
                request.setAttribute(START, System.nanoTime());
            }
        }
        return true;
    }

    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
                                Exception ex) {
        if (request.getAttribute(START) instanceof Long start) {
            Object route = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
            timers.withTags("route", String.valueOf(route), "status", String.valueOf(response.getStatus()))
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }
}
