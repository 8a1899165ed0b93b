package dev.mondrian.functions.events;

import java.util.List;
import org.jdbi.v3.core.Handle;

/** A hub that adds to another: everything goes to {@code inner} unless a subclass does more. */
public abstract class ForwardingEventHub<H extends EventHub> implements EventHub {
    protected final H inner;

    protected ForwardingEventHub(H inner) {
        this.inner = inner;
    }

    @Override
    public Subscription subscribe(String jobId) {
        return inner.subscribe(jobId);
    }

    @Override
    public JobChangeListener.Registration listenToAll(JobChangeListener listener) {
        return inner.listenToAll(listener);
    }

    @Override
    public void publish(List<JobEvent> events) {
        inner.publish(events);
    }

    @Override
    public void beforeCommit(Handle handle, List<JobEvent> events) {
        inner.beforeCommit(handle, events);
    }
}
