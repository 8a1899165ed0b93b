package dev.mondrian.functions.compat;

import dev.mondrian.functions.advisors.Advisor;
import dev.mondrian.functions.advisors.AdvisorCatalog;
import dev.mondrian.functions.http.ApiException;
import dev.mondrian.functions.http.Credentials;
import dev.mondrian.functions.http.RequiresToken;
import dev.mondrian.functions.jobs.JobRequest;
import dev.mondrian.functions.jobs.JobService;
import dev.mondrian.functions.jobs.JobView;
import dev.mondrian.functions.runnerapi.JobLeases;
import dev.mondrian.functions.streams.SseStreams;
import dev.mondrian.functions.uploads.Parts;
import dev.mondrian.protocol.RunnerWire.CallbackAck;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import tools.jackson.databind.json.JsonMapper;

/**
 * The routes of the original Mondrian service, so its iOS app, web client and scripts keep
 * working unchanged. They are thin adapters over the same jobs, event log and runner API.
 */
@RestController
@Tag(name = "original service", description = "The original Mondrian service's routes, field and event names, "
        + "over the same jobs, for its iOS app, web client and scripts.")
class CompatController {
    private static final int DEFAULT_LIST = 100;

    private final JobService jobs;
    private final JobLeases runners;
    private final AdvisorCatalog advisors;
    private final SseStreams streams;
    private final JobSnapshot snapshot;
    private final JsonMapper json;
    private final Credentials credentials;

    CompatController(JobService jobs, JobLeases runners, AdvisorCatalog advisors, SseStreams streams,
                     JobSnapshot snapshot, JsonMapper json, Credentials credentials) {
        this.credentials = credentials;
        this.jobs = jobs;
        this.runners = runners;
        this.advisors = advisors;
        this.streams = streams;
        this.snapshot = snapshot;
        this.json = json;
    }

    /** The iOS app sends the photo as {@code image}, curl users as {@code file}. */
    @Operation(operationId = "originalUpload", summary = "Create a job from a photo (field image or file)")
    @ApiResponse(responseCode = "201", description = "the job, queued; the URLs are absolute")
    @ApiResponse(responseCode = "400", description = "no photo, an unknown advisor, a bad mode")
    @ApiResponse(responseCode = "413", description = "the image is over mondrian.max-upload-size bytes or mondrian.max-image-pixels pixels")
    @ApiResponse(responseCode = "415", description = "the upload is not a JPEG, PNG, GIF or BMP image")
    @RequiresToken(RequiresToken.Role.CLIENT)
    @PostMapping(path = "/upload", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<OriginalWire.Upload> upload(
            @Parameter(hidden = true) @RequestHeader(name = "Authorization", required = false) String authorization,
            @RequestParam(required = false) MultipartFile image,
                                               @RequestParam(required = false) MultipartFile file,
                                               @RequestParam(required = false) String advisor,
                                               @RequestParam(required = false) String mode) {
        MultipartFile part = image != null && !image.isEmpty() ? image : file;
        byte[] bytes = Parts.bytes(part);
        if (bytes == null) {
            throw ApiException.badRequest("no file provided: send the photo in a form field named 'image' or 'file'");
        }
        JobView job = jobs.create(new JobRequest(null, advisor, mode, null, null, null, bytes, null, null, null),
                credentials.ownerOf(authorization));
        String base = ServletUriComponentsBuilder.fromCurrentContextPath().toUriString();
        OriginalWire.Upload body = new OriginalWire.Upload(job.jobId(), job.jobId() + " (" + job.mode() + ")",
                clientFileName(part), job.advisor(), List.of(job.advisor()), job.status(), job.mode(),
                base + "/status/" + job.jobId(), base + "/stream/" + job.jobId(), base + "/analysis/" + job.jobId());
        return ResponseEntity.status(HttpStatus.CREATED).body(body);
    }

    /** Open to anyone in the original service; listing every job is an admin operation here. */
    @Operation(operationId = "originalListJobs", summary = "The newest jobs first (admin)")
    @ApiResponse(responseCode = "200", description = "the jobs")
    @ApiResponse(responseCode = "400", description = "limit out of range")
    @RequiresToken(RequiresToken.Role.ADMIN)
    @GetMapping("/jobs")
    OriginalWire.JobList list(@Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "500", defaultValue = "100"))
                              @RequestParam(required = false) Integer limit) {
        List<OriginalWire.JobSummary> list = jobs.list(limit == null ? DEFAULT_LIST : limit).stream()
                .map(JobSnapshot::summary).toList();
        return new OriginalWire.JobList(list, list.size(), Instant.now().toString());
    }

    @Operation(operationId = "originalJob", summary = "The job with the original service's field names")
    @ApiResponse(responseCode = "200", description = "the job")
    @ApiResponse(responseCode = "404", description = "no job with this id")
    @RequiresToken(RequiresToken.Role.READER)
    @GetMapping({"/jobs/{id}", "/status/{id}"})
    OriginalWire.JobDetail job(@PathVariable String id) {
        return snapshot.detail(jobs.get(id));
    }

    /** Same events as {@code /api/jobs/{id}/events}, preceded by the original {@code connected} greeting. */
    @RequiresToken(RequiresToken.Role.READER)
    @GetMapping("/stream/{id}")
    void stream(@PathVariable String id,
                @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                @RequestParam(required = false) String after,
                HttpServletRequest request, HttpServletResponse response) throws IOException {
        String greeting = json.writeValueAsString(new OriginalWire.Connected("connected", id));
        streams.serve(id, lastEventId, after, request, response, writer -> writer.sendUnnumbered("connected", greeting));
    }

    @Operation(operationId = "originalAnalysis", summary = "The finished analysis as an HTML page (the text escaped)")
    @ApiResponse(responseCode = "200", description = "the page", content = @Content(mediaType = "text/html", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "404", description = "no job with this id, or no analysis yet")
    @RequiresToken(RequiresToken.Role.READER)
    @GetMapping("/analysis/{id}")
    ResponseEntity<String> analysis(@PathVariable String id) {
        JobView job = jobs.get(id);
        if (job.analysis() == null) {
            throw ApiException.notFound("no analysis available: job " + id + " is " + job.status());
        }
        return page(AnalysisPage.render(advisorName(job), job.analysis()));
    }

    private String advisorName(JobView job) {
        return advisors.find(job.advisor()).map(Advisor::name).orElse(job.advisor());
    }

    private static ResponseEntity<String> page(String html) {
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("text/html; charset=utf-8"))
                .header("Content-Security-Policy", AnalysisPage.CONTENT_SECURITY_POLICY)
                .header("Cache-Control", "no-cache")
                .body(html);
    }

    @Operation(operationId = "originalSummary", summary = "A completed job's summary as an HTML page (the text escaped)",
            description = "The opening sentence of each of the analysis's first three paragraphs.")
    @ApiResponse(responseCode = "200", description = "the page", content = @Content(mediaType = "text/html", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "400", description = "the job has not completed")
    @ApiResponse(responseCode = "404", description = "no job with this id, or no analysis to summarize")
    @RequiresToken(RequiresToken.Role.READER)
    @GetMapping("/summary/{id}")
    ResponseEntity<String> summary(@PathVariable String id) {
        JobView job;
        try {
            job = jobs.get(id);
        } catch (ApiException notFound) {
            throw ApiException.notFound("Job not found");
        }
        if (!job.status().equals("completed")) {
            throw ApiException.badRequest("Job not completed");
        }
        if (job.analysis() == null || job.analysis().isBlank()) {
            throw ApiException.notFound("No summary available");
        }
        return page(AnalysisPage.summary(advisorName(job), job.analysis()));
    }

    @Operation(operationId = "originalThinking", summary = "A status line for a queued or running job (a thinking_update)",
            description = "The original advisor service's callback: no lease; the job's statistics stay as its runner reported them.")
    @ApiResponse(responseCode = "200", description = "recorded")
    @ApiResponse(responseCode = "400", description = "thinking missing or over 4000 characters")
    @ApiResponse(responseCode = "404", description = "no job with this id")
    @ApiResponse(responseCode = "409", description = "the job has ended")
    @RequiresToken(RequiresToken.Role.RUNNER)
    @PutMapping("/job/{id}/thinking")
    CallbackAck thinking(@PathVariable String id, @RequestBody OriginalWire.ThinkingNote body) {
        return runners.note(id, body.thinking());
    }

    /** Echoed back like the original did; only the last path segment, never stored. */
    private static String clientFileName(MultipartFile part) {
        String name = part.getOriginalFilename();
        if (name == null || name.isBlank()) {
            return "";
        }
        Path last = Path.of(name.replace('\\', '/').replaceAll("^/+", "")).getFileName();
        return last == null ? "" : last.toString();
    }
}
