package dev.mondrian.functions.jobs;

import dev.mondrian.functions.http.ApiException;
import dev.mondrian.functions.http.Credentials;
import dev.mondrian.functions.http.RequiresToken;
import dev.mondrian.functions.uploads.ImageBytes;
import dev.mondrian.functions.uploads.Parts;
import dev.mondrian.functions.uploads.S3Uploads;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** The client routes of the job API (the listing of all jobs is the operator's: see the admin package). */
@RestController
@Tag(name = "jobs", description = "Create a critique job, read it, cancel it.")
class JobController {
    private final JobService jobs;
    private final Optional<S3Uploads> uploads;
    private final Credentials credentials;

    JobController(JobService jobs, Optional<S3Uploads> uploads, Credentials credentials) {
        this.jobs = jobs;
        this.uploads = uploads;
        this.credentials = credentials;
    }

    @Operation(operationId = "createJob", summary = "Create a job from a photo, a prompt, or both",
            description = "A multipart form (or an urlencoded one without image). The image is accepted by its bytes, "
                    + "not its name: JPEG, PNG, GIF or BMP.")
    @ApiResponse(responseCode = "201", description = "the job, queued; Location is its URL")
    @ApiResponse(responseCode = "400", description = "neither image nor prompt, an unknown advisor, a field out of range")
    @ApiResponse(responseCode = "413", description = "the image is over mondrian.max-upload-size bytes or mondrian.max-image-pixels pixels")
    @ApiResponse(responseCode = "415", description = "the upload is not a JPEG, PNG, GIF or BMP image")
    @RequiresToken(RequiresToken.Role.CLIENT)
    @PostMapping(path = "/api/jobs", consumes = {MediaType.MULTIPART_FORM_DATA_VALUE, MediaType.APPLICATION_FORM_URLENCODED_VALUE})
    ResponseEntity<JobView> create(
            @Parameter(hidden = true) @RequestHeader(name = "Authorization", required = false) String authorization,
            @Parameter(description = "the photo (multipart only); optional with a prompt") @RequestParam(required = false) MultipartFile image,
            @Parameter(description = "the question, at most 8000 characters; optional with an image") @RequestParam(required = false) String prompt,
            @Parameter(description = "an advisor id from GET /api/advisors (default: the first)") @RequestParam(required = false) String advisor,
            @Parameter(description = "the original service's analysis mode, kept with the job",
                    schema = @Schema(pattern = "[a-z_]{1,32}", defaultValue = "baseline")) @RequestParam(required = false) String mode,
            @Parameter(description = "longest analysis in tokens", schema = @Schema(type = "integer", minimum = "1", maximum = "8192", defaultValue = "512"))
            @RequestParam(name = "max_tokens", required = false) String maxTokens,
            @Parameter(description = "sampling temperature", schema = @Schema(type = "number", minimum = "0", maximum = "2", defaultValue = "0.7"))
            @RequestParam(required = false) String temperature,
            @Parameter(description = "how often a thinking_update with the statistics comes",
                    schema = @Schema(type = "integer", minimum = "100", maximum = "600000", defaultValue = "5000"))
            @RequestParam(name = "update_interval_ms", required = false) String updateIntervalMs,
            @Parameter(description = "an http(s) URL told of the job by signed POSTs (Standard Webhooks), the body the "
                    + "job as GET /api/jobs/{id} shows it") @RequestParam(required = false) String webhook,
            @Parameter(description = "which of start, output, completed the webhook is told of (repeated or "
                    + "comma-separated; default completed)") @RequestParam(name = "webhook_events", required = false)
            List<String> webhookEvents) {
        return created(jobs.create(new JobRequest(prompt, advisor, mode, maxTokens, temperature, updateIntervalMs,
                Parts.bytes(image), null, webhook, webhookEvents), credentials.ownerOf(authorization)));
    }

    /** The form's fields as JSON: how AWS Lambda takes a job, since API Gateway passes no multipart upload through. */
    @Operation(operationId = "createJobFromJson", summary = "Create a job from JSON: the form's fields, the image in base64 or uploaded",
            description = "Fields prompt, advisor, mode, max_tokens, temperature, update_interval_ms as in the form; the "
                    + "image either base64 in image or, uploaded first through POST /api/uploads, named by image_key.")
    @ApiResponse(responseCode = "201", description = "the job, queued; Location is its URL")
    @ApiResponse(responseCode = "400", description = "not JSON, neither image nor prompt, an unknown advisor, a field out of "
            + "range, an image_key not handed out or not uploaded")
    @ApiResponse(responseCode = "413", description = "the image is over mondrian.max-upload-size bytes or mondrian.max-image-pixels pixels")
    @ApiResponse(responseCode = "415", description = "the image is not a JPEG, PNG, GIF or BMP image")
    @RequiresToken(RequiresToken.Role.CLIENT)
    @PostMapping(path = "/api/jobs", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobView> createFromJson(
            @Parameter(hidden = true) @RequestHeader(name = "Authorization", required = false) String authorization,
            @RequestBody JobRequest request) {
        return created(jobs.create(request.imageKey() == null || request.image() != null ? request
                : request.withImage(uploads.orElseThrow(() -> ApiException.badRequest(S3Uploads.NOT_CONFIGURED))
                        .read(request.imageKey())), credentials.ownerOf(authorization)));
    }

    private static ResponseEntity<JobView> created(JobView job) {
        return ResponseEntity.created(URI.create(job.links().self())).body(job);
    }

    @Operation(operationId = "getJob", summary = "The job: status, attempts, tokens, tokens/s, progress, analysis or error")
    @ApiResponse(responseCode = "200", description = "the job")
    @ApiResponse(responseCode = "404", description = "no job with this id")
    @RequiresToken(RequiresToken.Role.READER)
    @GetMapping("/api/jobs/{id}")
    JobView get(@PathVariable String id) {
        return jobs.get(id);
    }

    @Operation(operationId = "jobPhoto", summary = "The job's photo, as it was uploaded",
            description = "For pages that show the photo beside its critique; whoever has the job id may read it.")
    @ImageBytes
    @ApiResponse(responseCode = "404", description = "no job with this id, or it has no photo")
    @RequiresToken(RequiresToken.Role.READER)
    @GetMapping("/api/jobs/{id}/image")
    ResponseEntity<byte[]> image(@PathVariable String id) {
        // A job's photo never changes; the browser may keep it (privately) instead of asking again.
        return jobs.image(id).response(CacheControl.maxAge(Duration.ofDays(1)).cachePrivate());
    }

    @Operation(operationId = "cancelJob", summary = "Cancel a queued or running job",
            description = "Idempotent: cancelling a cancelled job answers it again. A running job's runner stops at its next callback.")
    @ApiResponse(responseCode = "200", description = "the job, cancelled")
    @ApiResponse(responseCode = "404", description = "no job with this id")
    @ApiResponse(responseCode = "409", description = "the job already completed or failed")
    @RequiresToken(RequiresToken.Role.OWNER)
    @PostMapping("/api/jobs/{id}/cancel")
    JobView cancel(@PathVariable String id) {
        return jobs.cancel(id);
    }
}
