package dev.mondrian.functions.admin;

import dev.mondrian.functions.http.RequiresToken;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The operator's routes, all behind the admin token: the job listing and its live stream. */
@RestController
class AdminController {
    private final AdminJobs jobs;
    private final AdminStream stream;

    AdminController(AdminJobs jobs, AdminStream stream) {
        this.jobs = jobs;
        this.stream = stream;
    }

    @RequiresToken(RequiresToken.Role.ADMIN)
    @GetMapping("/api/jobs")
    List<AdminJob> list(@RequestParam(required = false) Integer limit) {
        return jobs.list(limit);
    }

    @RequiresToken(RequiresToken.Role.ADMIN)
    @GetMapping("/api/admin/events")
    void events(@RequestParam(required = false) Integer limit, HttpServletResponse response) throws IOException {
        stream.serve(limit, response);
    }
}
