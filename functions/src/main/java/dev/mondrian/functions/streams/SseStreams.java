package dev.mondrian.functions.streams;

import dev.mondrian.functions.events.EventPump;
import dev.mondrian.functions.events.ResumePoint;
import dev.mondrian.functions.http.Caller;
import dev.mondrian.functions.http.Credentials;
import dev.mondrian.functions.jobs.JobService;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Serves one job's events as SSE on an asynchronous response: once the stream is set up, the request's
 * thread returns and the {@link EventPump} writes events as they come. Shared by the API route and the
 * original service's route.
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

    private final JobService jobs;
    private final EventPump pump;
    private final Credentials credentials;

    SseStreams(JobService jobs, EventPump pump, Credentials credentials) {
        this.jobs = jobs;
        this.pump = pump;
        this.credentials = credentials;
    }

    /** Validates before the first byte, so a bad request still gets a JSON 4xx instead of a broken stream. */
    public void serve(String jobId, String lastEventId, String after, HttpServletRequest request,
                      HttpServletResponse response, Greeting greeting) throws IOException {
        long afterSeq = ResumePoint.afterSeq(lastEventId, after);
        jobs.require(jobId);
        AsyncContext async = request.startAsync();
        async.setTimeout(0); // a stream lasts as long as its job
        // The container's own response, not Spring's wrapper of it: the stream is written from the pump's
        // threads, and the wrapper's per-write lifecycle checks cost more than the writes.
        SseWriter writer = new SseWriter(async, (HttpServletResponse) async.getResponse());
        try {
            greeting.greet(writer);
        } catch (IOException clientGone) {
            log.debug("job {}: SSE client went away: {}", jobId, clientGone.toString());
            writer.close();
            return;
        }
        Caller caller = Caller.of(request.getHeader("Authorization"), request.getParameter("token"), jobId);
        writer.serve(pump.start(jobId, afterSeq, writer, credentials.recheck(caller)));
    }
}
