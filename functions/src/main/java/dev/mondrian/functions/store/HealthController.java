package dev.mondrian.functions.store;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Liveness that means something: the service answers and its database answers. */
@RestController
@Tag(name = "health")
class HealthController {
    private static final Logger log = LoggerFactory.getLogger(HealthController.class);
    private final Jdbi jdbi;

    HealthController(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Operation(operationId = "health", summary = "The service answers and its database answers")
    @ApiResponse(responseCode = "200", description = "{\"status\": \"ok\", \"database\": \"ok\"}")
    @ApiResponse(responseCode = "503", description = "{\"status\": \"unavailable\", \"database\": \"unreachable\"}")
    @GetMapping("/health")
    ResponseEntity<Map<String, String>> health() {
        try {
            jdbi.useHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
            return ResponseEntity.ok(Map.of("status", "ok", "database", "ok"));
        } catch (RuntimeException e) {
            log.error("health check: database unreachable", e);
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .body(Map.of("status", "unavailable", "database", "unreachable"));
        }
    }
}
