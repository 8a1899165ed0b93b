package dev.mondrian.functions.compat;

import dev.mondrian.functions.advisors.Advisor;
import dev.mondrian.functions.advisors.AdvisorCatalog;
import dev.mondrian.functions.http.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The original service's advisor routes, with its shapes: a list with a count, one advisor under {@code advisor}. */
@RestController
@Tag(name = "original service")
class CompatAdvisorController {
    private static final String SPECIALTY = "Photography";

    private final AdvisorCatalog advisors;

    CompatAdvisorController(AdvisorCatalog advisors) {
        this.advisors = advisors;
    }

    @Operation(operationId = "originalAdvisors", summary = "The advisors with the original service's fields")
    @ApiResponse(responseCode = "200", description = "the advisors, a count and the time")
    @GetMapping("/advisors")
    OriginalWire.AdvisorList list() {
        List<OriginalWire.Advisor> list = advisors.all().stream().map(a -> new OriginalWire.Advisor(a.id(), a.name(),
                SPECIALTY, bio(a), a.focusAreas(), List.of(), null)).toList();
        return new OriginalWire.AdvisorList(list, list.size(), Instant.now().toString());
    }

    @Operation(operationId = "originalAdvisor", summary = "One advisor with the original service's fields")
    @ApiResponse(responseCode = "200", description = "the advisor, under advisor")
    @ApiResponse(responseCode = "404", description = "no advisor with this id")
    @GetMapping("/advisors/{id}")
    OriginalWire.AdvisorDetail advisor(@PathVariable String id) {
        Advisor a = advisors.find(id).orElseThrow(() -> ApiException.notFound("Advisor '" + id + "' not found"));
        return new OriginalWire.AdvisorDetail(new OriginalWire.AdvisorWithLinks(a.id(), a.name(), SPECIALTY, bio(a),
                a.focusAreas(), null, List.of(), Map.of()), Instant.now().toString());
    }

    private static String bio(Advisor advisor) {
        return advisor.bio() == null ? "" : advisor.bio();
    }
}
