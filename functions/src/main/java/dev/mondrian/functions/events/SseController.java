package dev.mondrian.functions.events;

import dev.mondrian.functions.jobs.Jobs;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/jobs/{id}/events}: the job's events as SSE, {@code id:} = seq. The request's
 * (virtual) thread writes the stream itself, so a stream is a parked thread, not a callback chain.
 */
@RestController
class SseController {
    private static final Logger log = LoggerFactory.getLogger(SseController.class);
    private final Jobs jobs;
    private final EventPump pump;

    SseController(Jobs jobs, EventPump pump) {
        this.jobs = jobs;
        this.pump = pump;
    }

    @GetMapping("/api/jobs/{id}/events")
    void events(@PathVariable String id,
                @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                @RequestParam(required = false) String after,
                HttpServletResponse response) throws IOException {
        long afterSeq = ResumePoint.afterSeq(lastEventId, after);
        jobs.require(id);
        try {
            pump.pump(id, afterSeq, new SseWriter(response));
        } catch (IOException clientGone) {
            // The client closed the connection; it resumes with Last-Event-ID when it returns.
            log.debug("job {}: SSE client went away: {}", id, clientGone.toString());
        }
    }
}
