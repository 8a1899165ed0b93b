package dev.mondrian.functions.events;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/jobs/{id}/events}: the job's events as SSE, {@code id:} = seq. */
@RestController
@Tag(name = "events", description = "A job's ordered events, live: Server-Sent Events or a WebSocket.")
class SseController {
    private final SseStreams streams;

    SseController(SseStreams streams) {
        this.streams = streams;
    }

    @Operation(operationId = "jobEvents", summary = "The job's events as Server-Sent Events",
            description = "Frames `id: <seq>`, `event: <type>`, `data: <JobEvent JSON>`: the events after the resume point, "
                    + "then live ones; a `: keep-alive` comment every mondrian.heartbeat-interval while idle; the stream "
                    + "ends after `done`. A client too slow for its buffer is disconnected and resumes from its last seq.")
    @ApiResponse(responseCode = "200", description = "the event stream",
            content = @Content(mediaType = "text/event-stream", schema = @Schema(ref = "#/components/schemas/JobEvent")))
    @ApiResponse(responseCode = "400", description = "Last-Event-ID or after is not a non-negative seq")
    @ApiResponse(responseCode = "404", description = "no job with this id")
    @GetMapping("/api/jobs/{id}/events")
    void events(@PathVariable String id,
                @Parameter(description = "resume after this seq (browsers send it by themselves when they reconnect); wins over after",
                        schema = @Schema(type = "integer", minimum = "0"))
                @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                @Parameter(description = "resume after this seq (default 0: the whole log)", schema = @Schema(type = "integer", minimum = "0"))
                @RequestParam(required = false) String after,
                HttpServletResponse response) throws IOException {
        streams.serve(id, lastEventId, after, response, SseStreams.Greeting.NONE);
    }
}
