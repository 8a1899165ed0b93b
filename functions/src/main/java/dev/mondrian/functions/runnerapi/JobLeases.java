package dev.mondrian.functions.runnerapi;

import static dev.mondrian.functions.jobs.JobService.status;

import dev.mondrian.functions.MondrianProperties;
import dev.mondrian.functions.advisors.AdapterAssignments;
import dev.mondrian.functions.advisors.AdapterReports;
import dev.mondrian.functions.advisors.Advisor;
import dev.mondrian.functions.events.EventPayload;
import dev.mondrian.functions.events.Journal;
import dev.mondrian.functions.http.ApiException;
import dev.mondrian.functions.jobs.Job;
import dev.mondrian.functions.jobs.JobMeters;
import dev.mondrian.functions.jobs.JobRepository;
import dev.mondrian.functions.jobs.JobStatus;
import dev.mondrian.functions.jobs.QueueSignal;
import dev.mondrian.functions.logging.LogScope;
import dev.mondrian.functions.metrics.RunnerMeters;
import dev.mondrian.functions.uploads.ImageRepository;
import dev.mondrian.functions.uploads.S3Uploads;
import dev.mondrian.protocol.RunnerRoutes;
import dev.mondrian.protocol.RunnerWire.CallbackAck;
import dev.mondrian.protocol.RunnerWire.ClaimRequest;
import dev.mondrian.protocol.RunnerWire.ClaimedJob;
import dev.mondrian.protocol.RunnerWire.Completion;
import dev.mondrian.protocol.RunnerWire.Failure;
import dev.mondrian.protocol.RunnerWire.Heartbeat;
import dev.mondrian.protocol.RunnerWire.ImageRef;
import dev.mondrian.protocol.RunnerWire.Lease;
import dev.mondrian.protocol.RunnerWire.Release;
import dev.mondrian.protocol.RunnerWire.ThinkingReport;
import dev.mondrian.protocol.RunnerWire;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * The runner side of a job: claim under a lease, renew it, report progress, finish. Every
 * callback must present the current lease (id and epoch, unexpired); anything else is a 409 that
 * changes nothing, so a runner presumed dead can never overwrite its successor's work.
 */
@Service
public class JobLeases {
    private static final Logger log = LoggerFactory.getLogger(JobLeases.class);
    static final long MAX_WAIT_MS = 60_000;
    static final int MAX_TEXT_CHARS = 65_536;
    static final int MAX_ANALYSIS_CHARS = 1_000_000;
    static final int MAX_MESSAGE_CHARS = 4_000;
    /** Claims re-check the database this often while waiting, for jobs queued by other instances. */
    private static final long RECHECK_MS = 1_000;

    private final Journal journal;
    private final JobRepository jobs;
    private final LeaseRepository leases;
    private final ImageRepository images;
    private final AdapterAssignments advisors;
    private final AdapterReports adapterReports;
    private final QueueSignal queue;
    /** Runner id → when it last handed a job back (shut down); see {@link #departedSince}. */
    private final Map<String, Long> departures = new ConcurrentHashMap<>();
    private final Optional<S3Uploads> uploads;
    private final JobMeters jobMeters;
    private final RunnerMeters runnerMeters;
    private final long leaseMillis;
    private final long defaultWaitMillis;
    private final int maxAttempts;

    public JobLeases(Journal journal, JobRepository jobs, LeaseRepository leases, ImageRepository images,
                   AdapterAssignments advisors, AdapterReports adapterReports, QueueSignal queue,
                   MondrianProperties properties, Optional<S3Uploads> uploads, JobMeters jobMeters,
                   RunnerMeters runnerMeters) {
        this.adapterReports = adapterReports;
        this.uploads = uploads;
        this.jobMeters = jobMeters;
        this.runnerMeters = runnerMeters;
        this.journal = journal;
        this.jobs = jobs;
        this.leases = leases;
        this.images = images;
        this.advisors = advisors;
        this.queue = queue;
        this.leaseMillis = properties.leaseDuration().toMillis();
        this.defaultWaitMillis = properties.claimWait().toMillis();
        this.maxAttempts = properties.maxAttempts();
    }

    /** Long-polls for a queued job; empty when none came within the wait. */
    public Optional<ClaimedJob> claim(ClaimRequest request) {
        long started = System.currentTimeMillis();
        String runnerId = request.runnerId() == null || request.runnerId().isBlank() ? "runner" : request.runnerId().strip();
        if (runnerId.length() > 128) {
            throw ApiException.badRequest("runner_id is longer than 128 characters");
        }
        long wait = request.waitMs() == null ? defaultWaitMillis : request.waitMs();
        if (wait < 0 || wait > MAX_WAIT_MS) {
            throw ApiException.badRequest("wait_ms must be between 0 and " + MAX_WAIT_MS + ", got " + wait);
        }
        long deadline = System.currentTimeMillis() + wait;
        if (request.adapters() != null) {
            adapterReports.record(runnerId, request.adapters(), request.adapterProblems(), started);
        }
        try {
            while (true) {
                long seen = queue.generation();
                expireLeases();
                if (departedSince(runnerId, started)) {
                    return Optional.empty();
                }
                Optional<ClaimedJob> claimed = claimOnce(runnerId, request.adapters());
                long left = deadline - System.currentTimeMillis();
                if (claimed.isPresent() || left <= 0 || queue.closed()) {
                    return claimed;
                }
                queue.awaitAfter(seen, Math.min(left, RECHECK_MS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Whether the runner handed a job back after this claim began. A runner hands jobs back only as it
     * shuts down, and it abandons its waiting claims then; one still waiting here would take the job it
     * just gave back for a process that is gone, and the job would wait out a lease. A claim begun
     * later (the runner restarted under the same name) is not affected.
     */
    private boolean departedSince(String runnerId, long claimStarted) {
        Long departed = departures.get(runnerId);
        if (departed != null && departed < System.currentTimeMillis() - MAX_WAIT_MS) {
            departures.remove(runnerId, departed);
            return false;
        }
        return departed != null && departed >= claimStarted;
    }

    /** @param adapters the runner's adapters: it is not given jobs of advisors whose adapter it lacks; null for any */
    private Optional<ClaimedJob> claimOnce(String runnerId, List<String> adapters) {
        String leaseId = UUID.randomUUID().toString();
        AdapterAssignments.Advisors current = advisors.current();
        List<String> unservable = adapters == null ? List.of() : current.all().stream()
                .filter(a -> a.adapter() != null && !adapters.contains(a.adapter())).map(Advisor::id).toList();
        return journal.run(tx -> {
            Optional<Job> job = leases.claimOldestQueued(tx.handle(), leaseId, runnerId, tx.now(), tx.now() + leaseMillis,
                    unservable);
            job.ifPresent(j -> {
                tx.record(j.id(), status(JobStatus.RUNNING, 0, "analyzing",
                        "A runner started the analysis (attempt " + j.attempts() + ")", j.attempts()));
                tx.afterCommit(() -> {
                    jobMeters.started();
                    runnerMeters.claimed(j.runnerId(), j.leaseId());
                });
            });
            return job;
        }).map(job -> claimed(job, current));
    }

    private ClaimedJob claimed(Job job, AdapterAssignments.Advisors current) {
        try (var fields = LogScope.of(job.id(), job.runnerId())) {
            log.info("job {}: claimed by runner {} (attempt {})", job.id(), job.runnerId(), job.attempts());
        }
        ImageRef image = job.imageId() == null ? null : images.info(job.imageId())
                .map(info -> new ImageRef(imageUrl(job), info.contentType(), info.width(), info.height()))
                .orElseThrow();
        Advisor advisor = current.forJob(job.advisor());
        return new ClaimedJob(job.id(), wire(advisor), job.prompt(), job.mode(), image, job.maxTokens(),
                job.temperature(), job.updateIntervalMs(), job.attempts(),
                new Lease(job.leaseId(), job.leaseEpoch(), job.leaseExpiresAt(), leaseMillis));
    }

    private static RunnerWire.Advisor wire(Advisor advisor) {
        return new RunnerWire.Advisor(advisor.id(), advisor.name(), advisor.bio(), advisor.focusAreas(), advisor.voice(),
                advisor.adapter());
    }

    /** Where the runner downloads the job's image: straight from S3 when it was uploaded there, else from this service. */
    private String imageUrl(Job job) {
        return uploads.flatMap(u -> images.storageKey(job.imageId()).map(u::downloadUrl))
                .orElse(RunnerRoutes.IMAGE.path(job.id()));
    }

    public CallbackAck heartbeat(Heartbeat request) {
        return journal.run(tx -> {
            Job job = requireLease(tx, request.jobId(), request.leaseId(), request.leaseEpoch());
            leases.renew(tx.handle(), job.id(), tx.now() + leaseMillis);
            return new CallbackAck(job.id(), job.status().wire(), tx.now() + leaseMillis, job.lastSeq(), false);
        });
    }

    public CallbackAck thinking(ThinkingReport request) {
        String text = request.text() == null ? "" : request.text();
        checkLength("text", text, MAX_TEXT_CHARS);
        checkLength("message", request.message(), MAX_MESSAGE_CHARS);
        checkNotNegative("update_seq", request.updateSeq());
        checkStats(request.tokens(), request.tokensPerSecond(), request.promptTokens(), request.elapsedMs());
        return journal.run(tx -> {
            Job job = requireLease(tx, request.jobId(), request.leaseId(), request.leaseEpoch());
            if (request.updateSeq() != null && request.updateSeq() <= job.lastUpdateSeq()) {
                return new CallbackAck(job.id(), job.status().wire(), job.leaseExpiresAt(), job.lastSeq(), true);
            }
            int tokens = orElse(request.tokens(), job.tokens());
            double tps = orElse(request.tokensPerSecond(), job.tokensPerSecond());
            int promptTokens = orElse(request.promptTokens(), job.promptTokens());
            long elapsed = orElse(request.elapsedMs(), job.elapsedMs());
            long updateSeq = request.updateSeq() == null ? job.lastUpdateSeq() + 1 : request.updateSeq();
            // One row update and one append per callback: at thousands of callbacks a second, statements are the cost.
            leases.recordProgress(tx.handle(), job.id(), updateSeq, tokens, tps, promptTokens, elapsed,
                    tx.now() + leaseMillis);
            tx.afterCommit(() -> runnerMeters.reported(job.runnerId(), job.leaseId(), !text.isEmpty(),
                    request.tokensPerSecond()));
            List<EventPayload> payloads = new ArrayList<>(2);
            if (!text.isEmpty()) {
                payloads.add(new EventPayload.Token(text));
            }
            if (request.tokens() != null || request.message() != null) {
                String summary = request.message() != null ? request.message()
                        : "Generating analysis... (%d tokens, %.1f tps)".formatted(tokens, tps);
                payloads.add(new EventPayload.ThinkingUpdate(summary, tokens, tps, promptTokens, elapsed,
                        job.maxTokens()));
            }
            if (!payloads.isEmpty()) {
                tx.record(job.id(), payloads.toArray(EventPayload[]::new));
            }
            long lastSeq = job.lastSeq() + payloads.size();
            return new CallbackAck(job.id(), job.status().wire(), tx.now() + leaseMillis, lastSeq, false);
        });
    }

    /**
     * The original service's thinking callback: a status line with no lease, as its advisor
     * service sent it. It only annotates a job that is still queued or running; the job's
     * statistics stay as the leased runner last reported them.
     */
    public CallbackAck note(String jobId, String thinking) {
        if (thinking == null || thinking.isBlank()) {
            throw ApiException.badRequest("thinking is required: the status line to show");
        }
        checkLength("thinking", thinking, MAX_MESSAGE_CHARS);
        return journal.run(tx -> {
            Job job = findJob(tx, jobId);
            if (job.status().isFinal()) {
                throw ApiException.conflict("job is " + job.status().wire() + "; it takes no more updates");
            }
            tx.record(job.id(), new EventPayload.ThinkingUpdate(thinking, job.tokens(), job.tokensPerSecond(),
                    job.promptTokens(), job.elapsedMs(), job.maxTokens()));
            long lastSeq = jobs.find(tx.handle(), job.id()).orElseThrow().lastSeq();
            return new CallbackAck(job.id(), job.status().wire(), job.leaseExpiresAt(), lastSeq, false);
        });
    }

    /** Idempotent: completing again under the same lease answers as the first time did. */
    public CallbackAck complete(Completion request) {
        if (request.analysis() == null) {
            throw ApiException.badRequest("analysis is required");
        }
        checkLength("analysis", request.analysis(), MAX_ANALYSIS_CHARS);
        checkStats(request.tokens(), request.tokensPerSecond(), request.promptTokens(), request.elapsedMs());
        return finish(request.jobId(), request.leaseId(), request.leaseEpoch(), JobStatus.COMPLETED, (tx, job) -> {
            int tokens = orElse(request.tokens(), job.tokens());
            double tps = orElse(request.tokensPerSecond(), job.tokensPerSecond());
            int promptTokens = orElse(request.promptTokens(), job.promptTokens());
            long elapsed = orElse(request.elapsedMs(), job.elapsedMs());
            leases.recordProgress(tx.handle(), job.id(), job.lastUpdateSeq(), tokens, tps, promptTokens, elapsed,
                    job.leaseExpiresAt());
            jobs.finish(tx.handle(), job.id(), JobStatus.COMPLETED, request.analysis(), null, tx.now());
            tx.record(job.id(), status(JobStatus.COMPLETED, 100, "completed", "Analysis complete", job.attempts()),
                    new EventPayload.AnalysisComplete(request.analysis(), tokens, tps, promptTokens, elapsed),
                    new EventPayload.Done(JobStatus.COMPLETED.wire()));
            tx.afterCommit(() -> {
                jobMeters.finished(JobStatus.COMPLETED);
                runnerMeters.reported(job.runnerId(), job.leaseId(), !request.analysis().isEmpty(),
                        request.tokensPerSecond());
            });
        });
    }

    /** Idempotent like {@link #complete}; the job ends failed, it is not retried. */
    public CallbackAck fail(Failure request) {
        if (request.error() == null || request.error().isBlank()) {
            throw ApiException.badRequest("error is required: say why the job failed");
        }
        checkLength("error", request.error(), MAX_MESSAGE_CHARS);
        return finish(request.jobId(), request.leaseId(), request.leaseEpoch(), JobStatus.FAILED, (tx, job) -> {
            jobs.finish(tx.handle(), job.id(), JobStatus.FAILED, null, request.error(), tx.now());
            try (var fields = LogScope.of(job.id(), job.runnerId())) {
                log.warn("job {}: runner reported failure: {}", job.id(), request.error());
            }
            tx.record(job.id(), new EventPayload.Error(request.error()),
                    status(JobStatus.FAILED, 100, "failed", "Analysis failed", job.attempts()),
                    new EventPayload.Done(JobStatus.FAILED.wire()));
            tx.afterCommit(() -> jobMeters.finished(JobStatus.FAILED));
        });
    }

    /**
     * The runner gives the job back unfinished (it is shutting down): queued again at once for
     * another runner instead of waiting out the lease, and the claim does not count as an attempt.
     */
    public CallbackAck release(Release request) {
        checkLength("reason", request.reason(), MAX_MESSAGE_CHARS);
        CallbackAck ack = journal.run(tx -> {
            Job job = requireLease(tx, request.jobId(), request.leaseId(), request.leaseEpoch());
            leases.release(tx.handle(), job.id(), job.leaseEpoch());
            String reason = request.reason() == null || request.reason().isBlank()
                    ? "The runner stopped; waiting for another runner" : request.reason();
            try (var fields = LogScope.of(job.id(), job.runnerId())) {
                log.info("job {}: released by runner {}: {}", job.id(), job.runnerId(), reason);
            }
            tx.record(job.id(), status(JobStatus.QUEUED, 0, "requeued", reason, job.attempts() - 1));
            departures.put(job.runnerId(), System.currentTimeMillis());
            Job queued = jobs.find(tx.handle(), job.id()).orElseThrow();
            return new CallbackAck(queued.id(), queued.status().wire(), null, queued.lastSeq(), false);
        });
        queue.jobQueued();
        return ack;
    }

    private interface Finisher {
        void finish(Journal.Tx tx, Job job);
    }

    private CallbackAck finish(String jobId, String leaseId, Long leaseEpoch, JobStatus outcome, Finisher finisher) {
        return journal.run(tx -> {
            Job current = findJob(tx, jobId);
            if (current.status() == outcome && sameLease(current, leaseId, leaseEpoch)) {
                return new CallbackAck(current.id(), current.status().wire(), null, current.lastSeq(), true);
            }
            Job job = requireLease(tx, jobId, leaseId, leaseEpoch);
            finisher.finish(tx, job);
            Job done = jobs.find(tx.handle(), jobId).orElseThrow();
            return new CallbackAck(done.id(), done.status().wire(), null, done.lastSeq(), false);
        });
    }

    /** Re-queues running jobs whose lease lapsed, or fails them once they used up their attempts. */
    @Scheduled(fixedDelayString = "${mondrian.lease-check-interval:1s}")
    public void expireLeases() {
        long now = System.currentTimeMillis();
        List<Job> expired = leases.runningWithLeaseExpiredBefore(now);
        boolean requeued = false;
        for (Job job : expired) {
            try (var fields = LogScope.of(job.id(), job.runnerId())) {
                requeued |= journal.run(tx -> expire(tx, job));
            }
        }
        if (requeued) {
            queue.jobQueued();
        }
    }

    private boolean expire(Journal.Tx tx, Job job) {
        if (job.attempts() >= maxAttempts) {
            String error = "no runner finished the job in " + job.attempts() + " attempts; the last runner ("
                    + job.runnerId() + ") stopped renewing its lease";
            if (jobs.finish(tx.handle(), job.id(), JobStatus.FAILED, null, error, tx.now())) {
                log.warn("job {}: lease expired on attempt {} of {}; failing it", job.id(), job.attempts(), maxAttempts);
                tx.record(job.id(), new EventPayload.Error(error),
                        status(JobStatus.FAILED, 100, "failed", "Analysis failed", job.attempts()),
                        new EventPayload.Done(JobStatus.FAILED.wire()));
                tx.afterCommit(() -> {
                    jobMeters.leaseExpired(JobMeters.Expiry.FAILED);
                    jobMeters.finished(JobStatus.FAILED);
                });
            }
            return false;
        }
        if (!leases.requeue(tx.handle(), job.id(), job.leaseEpoch(), tx.now())) {
            return false;
        }
        log.warn("job {}: lease of runner {} expired; re-queued (attempt {} of {})", job.id(), job.runnerId(),
                job.attempts(), maxAttempts);
        tx.record(job.id(), status(JobStatus.QUEUED, 0, "requeued",
                "The runner stopped responding; waiting for another runner", job.attempts()));
        tx.afterCommit(() -> jobMeters.leaseExpired(JobMeters.Expiry.REQUEUED));
        return true;
    }

    private Job requireLease(Journal.Tx tx, String jobId, String leaseId, Long leaseEpoch) {
        if (leaseId == null || leaseId.isBlank() || leaseEpoch == null) {
            throw ApiException.badRequest("lease_id and lease_epoch are required");
        }
        Job job = findJob(tx, jobId);
        if (!sameLease(job, leaseId, leaseEpoch)) {
            throw ApiException.conflict("stale lease: job " + jobId + " is " + job.status().wire()
                    + " under another lease (attempt " + job.attempts() + ")");
        }
        if (job.status() != JobStatus.RUNNING) {
            throw ApiException.conflict("job is " + job.status().wire() + "; the lease no longer allows updates");
        }
        if (job.leaseExpiresAt() == null || job.leaseExpiresAt() < tx.now()) {
            throw ApiException.conflict("lease expired; the job will be given to another runner");
        }
        return job;
    }

    private Job findJob(Journal.Tx tx, String jobId) {
        return jobs.find(tx.handle(), jobId).orElseThrow(() -> ApiException.notFound("no job with id '" + jobId + "'"));
    }

    private static boolean sameLease(Job job, String leaseId, Long leaseEpoch) {
        return leaseId != null && leaseId.equals(job.leaseId()) && leaseEpoch != null && leaseEpoch == job.leaseEpoch();
    }

    private static void checkLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw ApiException.badRequest(field + " is " + value.length() + " characters; the limit is " + max);
        }
    }

    private static void checkStats(Integer tokens, Double tokensPerSecond, Integer promptTokens, Long elapsedMs) {
        checkNotNegative("tokens", tokens);
        checkNotNegative("tokens_per_second", tokensPerSecond);
        checkNotNegative("prompt_tokens", promptTokens);
        checkNotNegative("elapsed_ms", elapsedMs);
    }

    private static void checkNotNegative(String field, Number value) {
        if (value != null && !(value.doubleValue() >= 0)) {
            throw ApiException.badRequest(field + " must not be negative, got " + value);
        }
    }

    private static <T> T orElse(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
