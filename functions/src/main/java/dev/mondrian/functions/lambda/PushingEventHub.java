package dev.mondrian.functions.lambda;

import dev.mondrian.functions.events.EventHub;
import dev.mondrian.functions.events.ForwardingEventHub;
import dev.mondrian.functions.events.JobEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * On Lambda, where no stream is held open in the process, a committed event goes to the job's API Gateway
 * WebSocket connections instead: the function that recorded it pushes it, before it answers its caller.
 */
class PushingEventHub extends ForwardingEventHub<EventHub> {
    private final WebSocketConnections connections;
    private final ConnectionPusher pusher;

    PushingEventHub(EventHub inner, WebSocketConnections connections, ConnectionPusher pusher) {
        super(inner);
        this.connections = connections;
        this.pusher = pusher;
    }

    @Override
    public void publish(List<JobEvent> events) {
        super.publish(events);
        Map<String, List<JobEvent>> byJob = events.stream()
                .collect(Collectors.groupingBy(JobEvent::jobId, LinkedHashMap::new, Collectors.toList()));
        byJob.forEach((jobId, jobEvents) -> connections.watching(jobId).forEach(id -> pusher.send(id, jobEvents)));
    }
}
