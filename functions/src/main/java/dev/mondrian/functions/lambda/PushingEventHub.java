package dev.mondrian.functions.lambda;

import dev.mondrian.functions.events.EventHub;
import dev.mondrian.functions.events.JobChangeListener;
import dev.mondrian.functions.events.JobEvent;
import dev.mondrian.functions.events.Subscription;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * On Lambda, where no stream is held open in the process, a committed event goes to the job's API Gateway
 * WebSocket connections instead: the function that recorded it pushes it, before it answers its caller.
 */
class PushingEventHub implements EventHub {
    private final EventHub inner;
    private final WebSocketConnections connections;
    private final ConnectionPusher pusher;

    PushingEventHub(EventHub inner, WebSocketConnections connections, ConnectionPusher pusher) {
        this.inner = inner;
        this.connections = connections;
        this.pusher = pusher;
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
        Map<String, List<JobEvent>> byJob = events.stream()
                .collect(Collectors.groupingBy(JobEvent::jobId, LinkedHashMap::new, Collectors.toList()));
        byJob.forEach((jobId, jobEvents) -> connections.watching(jobId).forEach(id -> pusher.send(id, jobEvents)));
    }

    @Override
    public void beforeCommit(Handle handle, List<JobEvent> events) {
        inner.beforeCommit(handle, events);
    }
}
