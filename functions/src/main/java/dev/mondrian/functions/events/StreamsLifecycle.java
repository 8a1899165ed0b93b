package dev.mondrian.functions.events;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.SmartLifecycle;

/**
 * What every kind of long-lived stream shares: the streams open now, and a stop that ends them all at once before
 * the web server's graceful shutdown (a later phase) waits for its requests. A stream lasts as long as what it
 * follows, so waiting for it would hold the shutdown for its whole timeout; clients resume after the restart.
 *
 * @param <S> one open stream
 */
public abstract class StreamsLifecycle<S> implements SmartLifecycle {
    protected final Set<S> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    /** Makes {@code stream} stop soon; it removes itself from {@link #open} as it ends. */
    protected abstract void end(S stream);

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        open.forEach(this::end);
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
