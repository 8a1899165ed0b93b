package dev.mondrian.functions.keys;

import dev.mondrian.functions.http.RequiresToken;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/jobs/{id}/read-token}: lets the job's key hand out reading it for a while (mondrian.read-token-ttl). */
@RestController
@Tag(name = "jobs")
class ReadTokenController {
    /** The token, when it stops working, and the job's event stream with it attached. */
    record ReadToken(String token, long expiresAt, String eventsUrl) {}

    private final ReadTokens tokens;

    ReadTokenController(ReadTokens tokens) {
        this.tokens = tokens;
    }

    @Operation(operationId = "mintReadToken", summary = "A short-lived token that reads this job (?token=...)",
            description = "For what cannot send the key in a header, such as a browser's EventSource.")
    @ApiResponse(responseCode = "200", description = "the token")
    @RequiresToken(RequiresToken.Role.OWNER)
    @PostMapping("/api/jobs/{id}/read-token")
    ReadToken mint(@PathVariable String id) {
        ReadTokens.Minted minted = tokens.mint(id, System.currentTimeMillis());
        return new ReadToken(minted.token(), minted.expiresAt(), "/api/jobs/" + id + "/events?token=" + minted.token());
    }
}
