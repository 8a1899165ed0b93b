package dev.mondrian.functions.streams;

import dev.mondrian.functions.http.RequiresToken;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/jobs/{id}/events}: the job's events as SSE, {@code id:} = seq. */
@RestController
class SseController {
    private final SseStreams streams;

    SseController(SseStreams streams) {
        this.streams = streams;
    }

    @RequiresToken(RequiresToken.Role.READER)
    @GetMapping("/api/jobs/{id}/events")
    void events(@PathVariable String id,
                @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                @RequestParam(required = false) String after,
                HttpServletRequest request, HttpServletResponse response) throws IOException {
        streams.serve(id, lastEventId, after, request, response, SseStreams.Greeting.NONE);
    }
}
