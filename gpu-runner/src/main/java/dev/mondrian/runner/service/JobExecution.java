package dev.mondrian.runner.service;

import dev.mondrian.protocol.RunnerWire.ClaimedJob;
import dev.mondrian.runner.chat.ChatTemplateException;
import dev.mondrian.runner.generation.GenerationRequest;
import dev.mondrian.runner.generation.GenerationStep;
import dev.mondrian.runner.generation.PromptEncoder;
import dev.mondrian.runner.generation.TokenStream;
import dev.mondrian.runner.metrics.RunnerMetrics;
import dev.mondrian.runner.persona.Advisor;
import dev.mondrian.runner.persona.AdvisorPrompt;
import dev.mondrian.runner.persona.Attachment;
import dev.mondrian.runner.protocol.FunctionsClient;
import dev.mondrian.runner.protocol.FunctionsException;
import dev.mondrian.runner.sampling.SamplingParams;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One claimed job from start to end: fetch the photo, build the advisor's prompt, stream the
 * generation into {@link JobCallbacks}, then complete, fail, or hand the job back. Generation
 * stops within one token of learning that the job is no longer this runner's.
 */
final class JobExecution {
    private static final Logger log = LoggerFactory.getLogger(JobExecution.class);
    /** How long a final call may wait for an unreachable service before the job is left to its lease. */
    private static final Duration FINAL_WAIT = Duration.ofMinutes(2);

    private final ClaimedJob job;
    private final ModelHost host;
    private final FunctionsClient client;
    private final RunnerOptions options;
    private final RunnerMetrics.JobMeter meter;
    private volatile String releaseReason;

    /** @param meter started when the claim was answered, so the time to the first token counts from there */
    JobExecution(ClaimedJob job, ModelHost host, FunctionsClient client, RunnerOptions options,
                 RunnerMetrics.JobMeter meter) {
        this.job = job;
        this.host = host;
        this.client = client;
        this.options = options;
        this.meter = meter;
    }

    String jobId() {
        return job.jobId();
    }

    /** Asks the job to stop at the next token and go back to the queue (the runner is shutting down). */
    void release(String reason) {
        releaseReason = reason;
    }

    void run() throws InterruptedException {
        long start = System.nanoTime();
        Duration updateInterval = job.updateIntervalMs() > 0 ? Duration.ofMillis(job.updateIntervalMs())
                : options.updateInterval();
        log.info("job {}: started (attempt {}, advisor {}{}, {}, max {} tokens)", job.jobId(), job.attempt(),
                job.advisor().id(), job.advisor().adapter() == null ? "" : " with adapter " + job.advisor().adapter(),
                job.image() == null ? "no image" : job.image().contentType(), job.maxTokens());
        try (JobCallbacks callbacks = new JobCallbacks(client, job.jobId(), job.lease(), options.deltaInterval(),
                updateInterval)) {
            JobCallbacks.Outcome outcome;
            try {
                outcome = generate(callbacks, start);
            } catch (BadJob e) {
                log.warn("job {}: cannot be analysed: {}", job.jobId(), e.getMessage());
                outcome = callbacks.fail(e.getMessage(), FINAL_WAIT);
            } catch (FunctionsException e) {
                log.warn("job {}: stopped: {}", job.jobId(), e.getMessage());
                return; // the lease is lost or the service gone; the service re-queues or has ended the job
            } catch (RuntimeException e) {
                log.error("job {}: generation failed", job.jobId(), e);
                outcome = callbacks.fail("The runner failed while generating this analysis; its log has the details "
                        + "(job " + job.jobId() + ").", FINAL_WAIT);
            }
            log.info("job {}: ended ({}) after {} ms", job.jobId(), outcome, (System.nanoTime() - start) / 1_000_000);
        }
    }

    private JobCallbacks.Outcome generate(JobCallbacks callbacks, long start)
            throws BadJob, FunctionsException, InterruptedException {
        BufferedImage image = job.image() == null ? null : image();
        PromptEncoder.Encoded prompt;
        Attachment attached = job.image() == null ? null
                : new Attachment(job.image().contentType(), job.image().width(), job.image().height());
        try {
            prompt = host.encoder().encode(AdvisorPrompt.messages(Advisor.of(job.advisor()), job.prompt(), attached,
                    host.encoder().seesImages()), host.encoder().seesImages() ? image : null);
        } catch (ChatTemplateException | IllegalArgumentException e) {
            throw new BadJob("The model cannot take this request: " + e.getMessage());
        }
        int context = host.model().decoder().contextLength();
        if (prompt.ids().length >= context) {
            throw new BadJob("The prompt is " + prompt.ids().length + " tokens; this model holds " + context
                    + " in all, so nothing is left to answer with. Shorten the prompt.");
        }
        callbacks.message(image == null ? "Reading the question" : "Looking at the photo",
                new Progress(0, 0, prompt.ids().length, elapsedMs(start)));
        GenerationStep last = null;
        try (AdapterCache.Use adapter = adapter();
             TokenStream stream = host.generator().stream(new GenerationRequest(prompt.ids(), prompt.image(),
                     job.maxTokens(), sampling(), List.of(), host.tokenizer().eosTokenIds(),
                     adapter == null ? null : adapter.adapter()))) {
            while (stream.hasNext()) {
                if (callbacks.stopReason() != null || releaseReason != null) {
                    stream.cancel();
                    break;
                }
                last = stream.next();
                meter.token(last.generationTps());
                callbacks.progress(last.text(), progress(last, start));
            }
            if (callbacks.stopReason() != null) {
                log.info("job {}: generation stopped after {} tokens: {}", job.jobId(),
                        last == null ? 0 : last.generationTokens(), callbacks.stopReason());
                return JobCallbacks.Outcome.LEASE_LOST;
            }
            if (releaseReason != null) {
                return callbacks.release(releaseReason, FINAL_WAIT);
            }
            return callbacks.complete(progress(last, start), stream.text(), FINAL_WAIT);
        }
    }

    private BufferedImage image() throws BadJob, FunctionsException, InterruptedException {
        byte[] bytes = fetchImage();
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new BadJob("The runner cannot decode this " + job.image().contentType() + " image.");
            }
            return image;
        } catch (IOException e) {
            throw new BadJob("The image could not be decoded: " + e.getMessage());
        }
    }

    /** Retries while the service is unreachable, for as long as the lease would last. */
    private byte[] fetchImage() throws BadJob, FunctionsException, InterruptedException {
        Backoff backoff = new Backoff(200, 2_000);
        long giveUpAt = System.nanoTime() + Duration.ofMillis(job.lease().ttlMs()).toNanos();
        while (true) {
            try {
                return client.image(job);
            } catch (FunctionsException e) {
                if (e.kind() == FunctionsException.Kind.REJECTED) {
                    throw new BadJob("The photo could not be fetched: " + e.getMessage());
                }
                if (!e.retryable() || System.nanoTime() > giveUpAt) {
                    throw e;
                }
                Thread.sleep(backoff.nextDelayMs());
            }
        }
    }

    /** The job's temperature with the runner's other settings; the seed follows the job, so a re-run matches. */
    /** The advisor's adapter, held for this job; null when the advisor has none. */
    private AdapterCache.Use adapter() throws BadJob {
        String name = job.advisor().adapter();
        if (name == null) {
            return null;
        }
        try {
            return host.adapters().acquire(name);
        } catch (IllegalArgumentException | IOException e) {
            throw new BadJob("Advisor " + job.advisor().id() + "'s adapter cannot be used: " + e.getMessage());
        }
    }

    private SamplingParams sampling() {
        return new SamplingParams(job.temperature(), options.topK(), options.topP(), options.repetitionPenalty(),
                job.jobId().hashCode());
    }

    private static Progress progress(GenerationStep step, long start) {
        return new Progress(step.generationTokens(), step.generationTps(), step.promptTokens(), elapsedMs(start));
    }

    private static long elapsedMs(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** The job itself cannot be done (an unreadable image, a prompt the model cannot hold): fail it, say why. */
    private static final class BadJob extends Exception {
        BadJob(String message) {
            super(message);
        }
    }
}
