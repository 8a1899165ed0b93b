package dev.mondrian.functions.events;

import dev.mondrian.functions.jobs.Jobs;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Serves one job's events as SSE on the request's own (virtual) thread, so a stream is a parked
 * thread, not a callback chain. Shared by the API route and the original service's route.
 */
@Component
public class SseStreams {
    private static final Logger log = LoggerFactory.getLogger(SseStreams.class);

    /** Frames a route sends before the job's log, outside its numbering. */
    @FunctionalInterface
    public interface Greeting {
        Greeting NONE = writer -> {};

        void greet(SseWriter writer) throws IOException;
    }

    private final Jobs jobs;
    private final EventPump pump;

    SseStreams(Jobs jobs, EventPump pump) {
        this.jobs = jobs;
        this.pump = pump;
    }

    /** Validates before the first byte, so a bad request still gets a JSON 4xx instead of a broken stream. */
    public void serve(String jobId, String lastEventId, String after, HttpServletResponse response, Greeting greeting)
            throws IOException {
        long afterSeq = ResumePoint.afterSeq(lastEventId, after);
        jobs.require(jobId);
        try {
            SseWriter writer = new SseWriter(response);
            greeting.greet(writer);
            pump.pump(jobId, afterSeq, writer);
        } catch (IOException clientGone) {
            // The client closed the connection; it resumes with Last-Event-ID when it returns.
            log.debug("job {}: SSE client went away: {}", jobId, clientGone.toString());
        }
    }
}
