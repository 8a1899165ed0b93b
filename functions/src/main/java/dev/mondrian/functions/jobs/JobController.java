package dev.mondrian.functions.jobs;

import dev.mondrian.functions.uploads.Parts;
import java.net.URI;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** The client routes of the job API (the listing of all jobs is the operator's: see the admin package). */
@RestController
class JobController {
    private final Jobs jobs;

    JobController(Jobs jobs) {
        this.jobs = jobs;
    }

    @PostMapping(path = "/api/jobs", consumes = {MediaType.MULTIPART_FORM_DATA_VALUE, MediaType.APPLICATION_FORM_URLENCODED_VALUE})
    ResponseEntity<JobView> create(@RequestParam(required = false) MultipartFile image,
                                   @RequestParam(required = false) String prompt,
                                   @RequestParam(required = false) String advisor,
                                   @RequestParam(required = false) String mode,
                                   @RequestParam(name = "max_tokens", required = false) String maxTokens,
                                   @RequestParam(required = false) String temperature,
                                   @RequestParam(name = "update_interval_ms", required = false) String updateIntervalMs) {
        JobView job = jobs.create(new JobRequest(prompt, advisor, mode, maxTokens, temperature, updateIntervalMs,
                Parts.bytes(image), null));
        return ResponseEntity.created(URI.create(job.links().self())).body(job);
    }

    @GetMapping("/api/jobs/{id}")
    JobView get(@PathVariable String id) {
        return jobs.get(id);
    }

    @PostMapping("/api/jobs/{id}/cancel")
    JobView cancel(@PathVariable String id) {
        return jobs.cancel(id);
    }
}
