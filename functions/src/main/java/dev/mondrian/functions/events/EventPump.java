package dev.mondrian.functions.events;

import dev.mondrian.functions.MondrianProperties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Starts every transport's {@link Delivery} (replay, then live events, keep-alives while idle, end after
 * {@code done}) and sends the keep-alives. Drains run on virtual threads, one at a time per stream and
 * only while there is something to write, so an open stream is a few objects, not a parked thread.
 */
@Component
public class EventPump extends StreamsLifecycle<Delivery> implements DisposableBean {
    /** How long a stopping service waits for its streams to end before it goes on. */
    private static final long STOP_WAIT_MS = 2_000;

    private final EventLog eventLog;
    private final EventHub hub;
    private final long keepAliveNanos;
    private final ExecutorService drains = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService keepAlives = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("keep-alives").daemon().factory());

    public EventPump(EventLog eventLog, EventHub hub, MondrianProperties properties) {
        this.eventLog = eventLog;
        this.hub = hub;
        this.keepAliveNanos = properties.heartbeatInterval().toNanos();
        long tick = Math.max(1, properties.heartbeatInterval().toMillis() / 4);
        keepAlives.scheduleWithFixedDelay(this::sendKeepAlives, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** Starts streaming the job's events after {@code afterSeq} to the sink; returns at once. */
    public Delivery start(String jobId, long afterSeq, EventSink sink) {
        return start(jobId, afterSeq, sink, null);
    }

    /** A stream that ends, within a keep-alive period, once {@code mayRead} answers false (null: never). */
    public Delivery start(String jobId, long afterSeq, EventSink sink, BooleanSupplier mayRead) {
        Delivery[] self = new Delivery[1];
        self[0] = new Delivery(jobId, afterSeq, eventLog, hub, sink, mayRead, drains, () -> open.remove(self[0]));
        open.add(self[0]);
        self[0].signal();
        return self[0];
    }

    @Override
    protected void end(Delivery stream) {
        stream.cancel();
    }

    /** Ends every open stream, then gives them a moment to flush their last frames and close. */
    @Override
    public void stop() {
        super.stop();
        long deadline = System.currentTimeMillis() + STOP_WAIT_MS;
        try {
            while (!open.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sendKeepAlives() {
        long idleSince = System.nanoTime() - keepAliveNanos;
        for (Delivery delivery : open) {
            delivery.tick(idleSince);
        }
    }

    @Override
    public void destroy() {
        keepAlives.shutdownNow();
        open.forEach(Delivery::cancel);
        drains.close();
    }
}
