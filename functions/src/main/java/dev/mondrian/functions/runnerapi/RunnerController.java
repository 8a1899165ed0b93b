package dev.mondrian.functions.runnerapi;

import dev.mondrian.functions.http.RequiresToken;
import dev.mondrian.functions.jobs.JobService;
import dev.mondrian.functions.uploads.ImageBytes;
import dev.mondrian.protocol.RunnerRoutes;
import dev.mondrian.protocol.RunnerWire.CallbackAck;
import dev.mondrian.protocol.RunnerWire.ClaimRequest;
import dev.mondrian.protocol.RunnerWire.ClaimedJob;
import dev.mondrian.protocol.RunnerWire.Completion;
import dev.mondrian.protocol.RunnerWire.Failure;
import dev.mondrian.protocol.RunnerWire.Heartbeat;
import dev.mondrian.protocol.RunnerWire.Release;
import dev.mondrian.protocol.RunnerWire.ThinkingReport;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The runner routes; every one needs the runner token. */
@RestController
@Tag(name = "runners", description = "The GPU runners' side: claim a job under a lease, report progress, finish.")
class RunnerController {
    private final JobLeases runners;
    private final JobService jobs;

    RunnerController(JobLeases runners, JobService jobs) {
        this.runners = runners;
        this.jobs = jobs;
    }

    @Operation(operationId = "claimJob", summary = "Long-poll for the oldest queued job and take it under a lease",
            description = "runner_id (at most 128 characters) is recorded with the claim; wait_ms (0 to 60000, default "
                    + "mondrian.claim-wait) is how long to wait for a job.")
    @ApiResponse(responseCode = "200", description = "the job, now running under the lease")
    @ApiResponse(responseCode = "204", description = "no job came within wait_ms")
    @ApiResponse(responseCode = "400", description = "wait_ms out of range or runner_id too long")
    @RequiresToken(RequiresToken.Role.RUNNER)
    @PostMapping(RunnerRoutes.CLAIM_PATH)
    ResponseEntity<ClaimedJob> claim(@RequestBody(required = false) ClaimRequest request) {
        return runners.claim(request == null ? new ClaimRequest(null, null, null, null) : request)
                .map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.noContent().build());
    }

    @Operation(operationId = "heartbeatJob", summary = "Renew the lease")
    @ApiResponse(responseCode = "200", description = "renewed; lease_expires_at is the new expiry")
    @LeaseErrors
    @RequiresToken(RequiresToken.Role.RUNNER)
    @PostMapping(RunnerRoutes.HEARTBEAT_PATH)
    CallbackAck heartbeat(@PathVariable String id, @RequestBody Heartbeat body) {
        return runners.heartbeat(body.forJob(id));
    }

    @Operation(operationId = "thinkingUpdate", summary = "Report progress: new text and, when present, statistics",
            description = "text becomes a token event, the statistics (or message) a thinking_update; renews the lease. "
                    + "update_seq, rising per lease, makes a retried update count once (duplicate: true).")
    @ApiResponse(responseCode = "200", description = "recorded; last_seq is the job's newest event")
    @LeaseErrors
    @RequiresToken(RequiresToken.Role.RUNNER)
    @PostMapping(RunnerRoutes.THINKING_PATH)
    CallbackAck thinking(@PathVariable String id, @RequestBody ThinkingReport b) {
        return runners.thinking(b.forJob(id));
    }

    @Operation(operationId = "thinkingUpdateBefore", deprecated = true,
            summary = "As POST /api/runner/jobs/{id}/thinking, where runners before it sent their reports")
    @ApiResponse(responseCode = "200", description = "recorded; last_seq is the job's newest event")
    @LeaseErrors
    @RequiresToken(RequiresToken.Role.RUNNER)
    @PutMapping(RunnerRoutes.THINKING_BEFORE_PATH)
    CallbackAck thinkingBefore(@PathVariable String id, @RequestBody ThinkingReport b) {
        return thinking(id, b);
    }

    @Operation(operationId = "completeJob", summary = "Finish the job with its analysis",
            description = "Idempotent: completing again under the same lease answers duplicate: true.")
    @ApiResponse(responseCode = "200", description = "completed")
    @LeaseErrors
    @RequiresToken(RequiresToken.Role.RUNNER)
    @PostMapping(RunnerRoutes.COMPLETE_PATH)
    CallbackAck complete(@PathVariable String id, @RequestBody Completion b) {
        return runners.complete(b.forJob(id));
    }

    @Operation(operationId = "failJob", summary = "End the job as failed, saying why; it is not retried",
            description = "Idempotent: failing again under the same lease answers duplicate: true.")
    @ApiResponse(responseCode = "200", description = "failed")
    @LeaseErrors
    @RequiresToken(RequiresToken.Role.RUNNER)
    @PostMapping(RunnerRoutes.FAIL_PATH)
    CallbackAck fail(@PathVariable String id, @RequestBody Failure b) {
        return runners.fail(b.forJob(id));
    }

    @Operation(operationId = "releaseJob", summary = "Hand the job back to the queue at once (the runner is stopping)",
            description = "The claim does not count as an attempt; reason is shown to the job's clients.")
    @ApiResponse(responseCode = "200", description = "queued again")
    @LeaseErrors
    @RequiresToken(RequiresToken.Role.RUNNER)
    @PostMapping(RunnerRoutes.RELEASE_PATH)
    CallbackAck release(@PathVariable String id, @RequestBody Release b) {
        return runners.release(b.forJob(id));
    }

    /** The job's image, for the runner that claimed it (runners never touch the database). */
    @Operation(operationId = "jobImage", summary = "The job's uploaded image, for the runner that claimed it")
    @ImageBytes
    @ApiResponse(responseCode = "404", description = "no job with this id, or it has no image")
    @RequiresToken(RequiresToken.Role.RUNNER)
    @GetMapping(RunnerRoutes.IMAGE_PATH)
    ResponseEntity<byte[]> image(@PathVariable String id) {
        // A runner reads it once; nothing on the way should keep it.
        return jobs.image(id).response(CacheControl.noStore());
    }
}
