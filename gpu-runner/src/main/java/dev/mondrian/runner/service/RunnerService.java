package dev.mondrian.runner.service;

import dev.mondrian.protocol.LogFields;
import dev.mondrian.protocol.RunnerWire.ClaimRequest;
import dev.mondrian.protocol.RunnerWire.ClaimedJob;
import dev.mondrian.runner.metrics.RunnerMetrics;
import dev.mondrian.runner.protocol.FunctionsClient;
import dev.mondrian.runner.protocol.FunctionsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The runner's claim loop: one worker per slot, each long-polling for a job while its slot is free
 * and running it on the shared model, whose decode steps batch every running job's next token. The service being unreachable
 * only delays claims (with backoff); nothing here ends the process but {@link #shutdown}.
 */
public final class RunnerService {
    private static final Logger log = LoggerFactory.getLogger(RunnerService.class);
    static final String RELEASE_REASON = "The runner shut down before finishing; waiting for another runner";

    private final RunnerOptions options;
    private final ModelHost host;
    private final FunctionsClient client;
    private final RunnerMetrics metrics;
    private final List<Thread> workers = new ArrayList<>();
    /** Workers blocked in a claim; only these are interrupted at shutdown (never one inside PyTorch). */
    private final Set<Thread> claiming = ConcurrentHashMap.newKeySet();
    private final Set<JobExecution> running = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    RunnerService(RunnerOptions options, ModelHost host, FunctionsClient client, RunnerMetrics metrics) {
        this.options = options;
        this.host = host;
        this.client = client;
        this.metrics = metrics;
        metrics.runningJobs(running::size);
        metrics.kvCache(() -> running.size() * host.model().decoder().cacheBytes(), host.cacheCapacityBytes());
    }

    void start() {
        for (int i = 0; i < host.slots(); i++) {
            workers.add(Thread.ofPlatform().name("runner-worker-" + i).start(this::work));
        }
        log.info("runner {} ready: {} job(s) at a time on {} ({}), claiming from {}", options.runnerId(),
                host.slots(), host.folder(), host.model().device(), client.base());
    }

    private void work() {
        MDC.put(LogFields.RUNNER_ID, options.runnerId());
        Backoff backoff = new Backoff(250, 5_000);
        String problem = null;
        boolean reached = false;
        while (!stopping) {
            Optional<ClaimedJob> claimed;
            claiming.add(Thread.currentThread());
            try {
                // After a failure, a quick claim first, so recovery is seen (and logged) at once.
                long wait = problem != null || !reached ? 0 : options.claimWait().toMillis();
                AdapterCache.Holdings adapters = host.adapters().refresh();
                claimed = client.claim(new ClaimRequest(options.runnerId(), wait, adapters.usable(),
                        adapters.problems()));
                if (problem != null) {
                    log.info("functions service reachable {}at {}", reached ? "again " : "", client.base());
                    problem = null;
                }
                reached = true;
                backoff.reset();
            } catch (FunctionsException e) {
                if (!e.getMessage().equals(problem)) {
                    if (!reached && e.kind() == FunctionsException.Kind.UNAVAILABLE) {
                        // Starting alongside the service (./mondrian start) is normal, not a warning.
                        log.info("waiting for the functions service at {}", client.base());
                    } else {
                        log.warn("cannot claim jobs: {}{}", e.getMessage(), e.kind() == FunctionsException.Kind.UNAUTHORIZED
                                ? " (check the runner token)" : "; retrying with backoff");
                    }
                    problem = e.getMessage();
                }
                sleep(backoff.nextDelayMs());
                continue;
            } catch (InterruptedException e) {
                continue; // shutdown interrupted the long poll; the loop condition ends it
            } finally {
                claiming.remove(Thread.currentThread());
                Thread.interrupted(); // an interrupt meant for the claim must not hit the job
            }
            claimed.ifPresent(this::run);
        }
    }

    private void run(ClaimedJob job) {
        JobExecution execution = new JobExecution(job, host, client, options, metrics.job());
        running.add(execution);
        MDC.put(LogFields.JOB_ID, job.jobId());
        try {
            if (stopping) {
                execution.release(RELEASE_REASON); // claimed just as shutdown began: hand it straight back
            }
            execution.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("job {}: runner error", job.jobId(), e);
        } finally {
            running.remove(execution);
            MDC.remove(LogFields.JOB_ID);
        }
    }

    /**
     * Stops claiming, lets running jobs finish for up to the drain timeout, then hands the rest
     * back to the queue so another runner takes them at once; returns when every worker ended.
     */
    void shutdown() throws InterruptedException {
        MDC.put(LogFields.RUNNER_ID, options.runnerId()); // the shutdown hook's own thread
        stopping = true;
        claiming.forEach(Thread::interrupt);
        log.info("shutting down: {} job(s) running, waiting up to {} for them", running.size(), options.drainTimeout());
        if (!joinAll(options.drainTimeout())) {
            for (JobExecution execution : running) {
                try (var jobField = MDC.putCloseable(LogFields.JOB_ID, execution.jobId())) {
                    log.info("job {}: handing it back to the queue", execution.jobId());
                }
                execution.release(RELEASE_REASON);
            }
            if (!joinAll(Duration.ofSeconds(30))) {
                log.warn("some jobs did not stop in time; their leases will expire and the service re-queues them");
            }
        }
        log.info("runner stopped");
    }

    private boolean joinAll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread worker : workers) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !worker.join(Duration.ofNanos(left))) {
                return false;
            }
        }
        return true;
    }

    /** Returns when the workers ended (after {@link #shutdown}). */
    void awaitTermination() throws InterruptedException {
        for (Thread worker : workers) {
            worker.join();
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            // shutdown: the loop condition ends the worker
        }
    }
}
