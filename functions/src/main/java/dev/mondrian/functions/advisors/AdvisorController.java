package dev.mondrian.functions.advisors;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class AdvisorController {
    private final AdvisorCatalog catalog;

    AdvisorController(AdvisorCatalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/api/advisors")
    List<Advisor> advisors() {
        return catalog.all();
    }
}
