package dev.mondrian.functions.events;

import dev.mondrian.functions.jobs.Jobs;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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
        pump.pump(id, afterSeq, new SseWriter(response));
    }
}
