package dev.mondrian.functions.runnerapi;

import dev.mondrian.functions.http.RequiresToken;
import dev.mondrian.functions.jobs.Jobs;
import dev.mondrian.functions.runnerapi.RunnerMessages.CallbackAck;
import dev.mondrian.functions.runnerapi.RunnerMessages.ClaimRequest;
import dev.mondrian.functions.runnerapi.RunnerMessages.ClaimedJob;
import dev.mondrian.functions.runnerapi.RunnerMessages.CompleteRequest;
import dev.mondrian.functions.runnerapi.RunnerMessages.FailRequest;
import dev.mondrian.functions.runnerapi.RunnerMessages.Heartbeat;
import dev.mondrian.functions.runnerapi.RunnerMessages.ReleaseRequest;
import dev.mondrian.functions.runnerapi.RunnerMessages.ThinkingRequest;
import dev.mondrian.functions.uploads.StoredImage;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The runner routes; every one needs the runner token. */
@RestController
class RunnerController {
    private final Runners runners;
    private final Jobs jobs;

    RunnerController(Runners runners, Jobs jobs) {
        this.runners = runners;
        this.jobs = jobs;
    }

    @RequiresToken(RequiresToken.Role.RUNNER)
    @PostMapping("/api/runner/claim")
    ResponseEntity<ClaimedJob> claim(@RequestBody(required = false) ClaimRequest request) {
        return runners.claim(request == null ? new ClaimRequest(null, null) : request)
                .map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.noContent().build());
    }

    @RequiresToken(RequiresToken.Role.RUNNER)
    @PostMapping("/api/runner/jobs/{id}/heartbeat")
    CallbackAck heartbeat(@PathVariable String id, @RequestBody Heartbeat body) {
        return runners.heartbeat(body.forJob(id));
    }

    @RequiresToken(RequiresToken.Role.RUNNER)
    @PutMapping("/api/jobs/{id}/thinking")
    CallbackAck thinking(@PathVariable String id, @RequestBody ThinkingRequest b) {
        return runners.thinking(b.forJob(id));
    }

    @RequiresToken(RequiresToken.Role.RUNNER)
    @PostMapping("/api/runner/jobs/{id}/complete")
    CallbackAck complete(@PathVariable String id, @RequestBody CompleteRequest b) {
        return runners.complete(b.forJob(id));
    }

    @RequiresToken(RequiresToken.Role.RUNNER)
    @PostMapping("/api/runner/jobs/{id}/fail")
    CallbackAck fail(@PathVariable String id, @RequestBody FailRequest b) {
        return runners.fail(b.forJob(id));
    }

    @RequiresToken(RequiresToken.Role.RUNNER)
    @PostMapping("/api/runner/jobs/{id}/release")
    CallbackAck release(@PathVariable String id, @RequestBody ReleaseRequest b) {
        return runners.release(b.forJob(id));
    }

    /** The job's image, for the runner that claimed it (runners never touch the database). */
    @RequiresToken(RequiresToken.Role.RUNNER)
    @GetMapping("/api/runner/jobs/{id}/image")
    ResponseEntity<byte[]> image(@PathVariable String id) {
        StoredImage image = jobs.image(id);
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(image.info().contentType())).body(image.bytes());
    }
}
