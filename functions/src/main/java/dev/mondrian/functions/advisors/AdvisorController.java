package dev.mondrian.functions.advisors;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "advisors", description = "The critique personas a job may ask for.")
class AdvisorController {
    private final AdapterAssignments advisors;

    AdvisorController(AdapterAssignments advisors) {
        this.advisors = advisors;
    }

    @Operation(operationId = "listAdvisors", summary = "The advisor personas; the first is the default")
    @GetMapping("/api/advisors")
    List<Advisor> advisors() {
        return advisors.current().all();
    }
}
