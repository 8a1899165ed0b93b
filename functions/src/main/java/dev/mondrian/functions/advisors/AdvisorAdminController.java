package dev.mondrian.functions.advisors;

import dev.mondrian.functions.http.ApiException;
import dev.mondrian.functions.http.RequiresToken;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operator's view of the advisors' adapters: which each uses and which runners can serve it, and a change of
 * adapter, refused with the runners' reasons unless a runner present holds an adapter of that name that fits its
 * model.
 */
@RestController
@Tag(name = "advisors")
class AdvisorAdminController {
    /** @param adapter a folder name under the runners' {@code --adapters}, or null for none */
    record AdapterChoice(String adapter) {}

    /**
     * An advisor's adapter as an operator sees it.
     *
     * @param fileAdapter what the advisors file gives it
     * @param chosen whether {@code adapter} is an operator's choice (the admin API) rather than the file's
     * @param runners the runners present that hold {@code adapter}
     * @param problem why no runner present can serve this advisor's jobs, which wait until one can; null when one can
     */
    record AdvisorAdapter(String id, String name, String adapter, String fileAdapter, boolean chosen,
                          List<String> runners, String problem) {}

    private final AdvisorCatalog catalog;
    private final AdapterAssignments assignments;
    private final AdapterReports reports;

    AdvisorAdminController(AdvisorCatalog catalog, AdapterAssignments assignments, AdapterReports reports) {
        this.catalog = catalog;
        this.assignments = assignments;
        this.reports = reports;
    }

    @Operation(operationId = "listAdvisorAdapters", summary = "Each advisor's adapter and the runners that can serve it")
    @ApiResponse(responseCode = "200", description = "the advisors, in the advisors file's order")
    @RequiresToken(RequiresToken.Role.ADMIN)
    @GetMapping("/api/admin/advisors")
    List<AdvisorAdapter> list() {
        List<AdapterReports.Report> present = reports.present(System.currentTimeMillis());
        AdapterAssignments.Advisors current = assignments.current();
        return current.all().stream().map(a -> view(a, current, present)).toList();
    }

    @Operation(operationId = "chooseAdvisorAdapter", summary = "Give an advisor an adapter (or none, with null)")
    @ApiResponse(responseCode = "200", description = "the advisor with its new adapter; its next jobs use it")
    @ApiResponse(responseCode = "400", description = "the adapter is not a plain folder name")
    @ApiResponse(responseCode = "404", description = "no advisor with this id")
    @ApiResponse(responseCode = "409", description = "no runner present holds an adapter of that name that fits its "
            + "model; the error gives each runner's reason, and nothing changes")
    @RequiresToken(RequiresToken.Role.ADMIN)
    @PutMapping("/api/admin/advisors/{id}/adapter")
    AdvisorAdapter choose(@PathVariable String id, @RequestBody AdapterChoice choice) {
        requireAdvisor(id);
        String adapter = choice.adapter() == null ? null : choice.adapter().strip();
        if (adapter != null && !AdvisorCatalog.isAdapterName(adapter)) {
            throw ApiException.badRequest("adapter '" + adapter + "' " + AdvisorCatalog.ADAPTER_NAME_RULE);
        }
        long now = System.currentTimeMillis();
        List<AdapterReports.Report> present = reports.present(now);
        if (adapter != null) {
            String problem = problem(adapter, present);
            if (problem != null) {
                throw ApiException.conflict(problem);
            }
        }
        assignments.choose(id, adapter, now);
        AdapterAssignments.Advisors current = assignments.current();
        return view(current.find(id).orElseThrow(), current, present);
    }

    @Operation(operationId = "resetAdvisorAdapter", summary = "Give an advisor back the adapter of the advisors file")
    @ApiResponse(responseCode = "200", description = "the advisor with the file's adapter")
    @ApiResponse(responseCode = "404", description = "no advisor with this id")
    @RequiresToken(RequiresToken.Role.ADMIN)
    @DeleteMapping("/api/admin/advisors/{id}/adapter")
    AdvisorAdapter reset(@PathVariable String id) {
        requireAdvisor(id);
        assignments.forget(id);
        AdapterAssignments.Advisors current = assignments.current();
        return view(current.find(id).orElseThrow(), current, reports.present(System.currentTimeMillis()));
    }

    private void requireAdvisor(String id) {
        if (catalog.find(id).isEmpty()) {
            throw ApiException.notFound("no advisor '" + id + "'; the advisors are "
                    + catalog.all().stream().map(Advisor::id).toList());
        }
    }

    private AdvisorAdapter view(Advisor advisor, AdapterAssignments.Advisors current,
                                List<AdapterReports.Report> present) {
        String adapter = advisor.adapter();
        return new AdvisorAdapter(advisor.id(), advisor.name(), adapter, catalog.find(advisor.id()).orElseThrow().adapter(),
                current.chosen().contains(advisor.id()),
                adapter == null ? List.of() : present.stream().filter(r -> r.adapters().contains(adapter))
                        .map(AdapterReports.Report::runnerId).toList(),
                adapter == null ? null : problem(adapter, present));
    }

    /** Why no runner present can serve {@code adapter}, in words an operator can act on; null when one can. */
    static String problem(String adapter, List<AdapterReports.Report> present) {
        if (present.stream().anyMatch(r -> r.adapters().contains(adapter))) {
            return null;
        }
        if (present.isEmpty()) {
            return "no runner is present (none claimed work in the last " + AdapterReports.PRESENT_MS / 60_000
                    + " minutes) to check adapter '" + adapter + "' against its model; start a runner whose --adapters "
                    + "folder holds " + adapter + ", then choose it";
        }
        Map<String, String> refusals = present.stream().filter(r -> r.problems().containsKey(adapter))
                .collect(Collectors.toMap(AdapterReports.Report::runnerId, r -> r.problems().get(adapter),
                        (a, b) -> a, TreeMap::new));
        if (!refusals.isEmpty()) {
            return "adapter '" + adapter + "' cannot be used: " + refusals.entrySet().stream()
                    .map(e -> "runner " + e.getKey() + ": " + e.getValue()).collect(Collectors.joining("; "));
        }
        return "no runner present holds adapter '" + adapter + "' ("
                + present.stream().map(r -> "runner " + r.runnerId() + " holds " + (r.adapters().isEmpty() ? "none"
                        : String.join(", ", r.adapters()))).collect(Collectors.joining("; "))
                + "); put its folder under their --adapters (runners look again at every claim)";
    }
}
