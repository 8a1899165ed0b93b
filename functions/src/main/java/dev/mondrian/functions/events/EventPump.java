package dev.mondrian.functions.events;

import dev.mondrian.functions.MondrianProperties;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The loop every transport shares: replay, then live events, keep-alives while idle, end after {@code done}. */
@Component
public class EventPump {
    private static final Logger log = LoggerFactory.getLogger(EventPump.class);

    private final EventLog eventLog;
    private final EventHub hub;
    private final long keepAliveMillis;

    public EventPump(EventLog eventLog, EventHub hub, MondrianProperties properties) {
        this.eventLog = eventLog;
        this.hub = hub;
        this.keepAliveMillis = properties.heartbeatInterval().toMillis();
    }

    /** Blocks until the job's {@code done} event was sent, the client went away, or it fell behind. */
    public void pump(String jobId, long afterSeq, EventSink sink) throws IOException {
        try (EventStream stream = new EventStream(eventLog, hub, jobId, afterSeq)) {
            while (true) {
                Optional<JobEvent> event = stream.next(keepAliveMillis);
                if (event.isEmpty()) {
                    sink.keepAlive();
                    continue;
                }
                sink.send(event.get());
                if (event.get().isDone()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (EventStream.SubscriberDropped e) {
            log.info("job {}: closing a stream that fell behind ({}); the client resumes from its last seq", jobId,
                    e.getMessage());
        }
    }
}
