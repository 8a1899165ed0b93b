package dev.mondrian.functions.training;

import dev.mondrian.functions.MondrianProperties;
import dev.mondrian.protocol.RunnerRoutes;
import dev.mondrian.protocol.RunnerWire.ClaimRequest;
import dev.mondrian.protocol.RunnerWire.ClaimedJob;
import dev.mondrian.protocol.RunnerWire.Completion;
import dev.mondrian.protocol.RunnerWire.Lease;
import dev.mondrian.protocol.RunnerWire.ThinkingReport;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The workload that records Java's AOT cache for the service (JDK 25: the classes a run loads and links, and its
 * methods' profiles). With {@code mondrian.training-run} set to a duration, the started service plays its own
 * clients and a runner over loopback HTTP for that long: jobs created, SSE streams following each, a runner's
 * claims, thinking reports and completions, as {@code ./mondrian load} does; then it exits. A service started from
 * the cache so made meets its first requests with their code loaded and their profiles known, so the JIT compiles
 * the hot paths at once instead of after a minute of profiling (docs/BENCHMARKS.md, "The first minute"). A start
 * alone, the cache's first training, left every request path out.
 */
@Component
@ConditionalOnProperty("mondrian.training-run")
class TrainingRun implements ApplicationListener<ApplicationReadyEvent> {
    private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);
    /** Jobs per round, SSE streams per job and thinking reports per job: the load harness's proportions. */
    private static final int JOBS = 16;
    private static final int STREAMS_PER_JOB = 10;
    private static final int REPORTS_PER_JOB = 60;
    private static final int RUNNERS = 4;
    /** How long past its length a run may take before it counts as stuck (a stream that never ends). */
    private static final Duration GRACE = Duration.ofSeconds(60);

    private final Duration length;
    private final String runnerToken;
    private final JsonMapper json;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final byte[] photo = photo();

    TrainingRun(@Value("${mondrian.training-run}") Duration length, MondrianProperties properties, JsonMapper json) {
        this.length = length;
        this.runnerToken = properties.runnerToken();
        this.json = json;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (runnerToken.isBlank()) {
            throw new IllegalStateException("a training run plays a runner: set mondrian.runner-token too");
        }
        String base = "http://127.0.0.1:" + event.getApplicationContext().getEnvironment().getProperty("local.server.port");
        Thread.ofPlatform().name("training-run").start(() -> {
            int status = 0;
            try {
                train(base);
            } catch (Exception e) {
                log.error("the training run failed", e);
                status = 1;
            }
            int code = status;
            System.exit(SpringApplication.exit(event.getApplicationContext(), () -> code));
        });
    }

    private void train(String base) throws Exception {
        long end = System.nanoTime() + length.toNanos();
        long giveUp = end + GRACE.toNanos();
        int rounds = 0;
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            do {
                round(base, threads, giveUp);
                rounds++;
            } while (System.nanoTime() < end);
        } finally {
            threads.shutdownNow(); // not waited for: a stuck stream's reader ends with the process
        }
        log.info("training run: {} rounds of {} jobs", rounds, JOBS);
    }

    /**
     * Jobs created and followed, claimed and reported on by {@link #RUNNERS} runners at once until each stream
     * ends, then read.
     */
    private void round(String base, ExecutorService threads, long giveUp) throws Exception {
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            jobs.add(createJob(base, i));
        }
        List<Future<?>> work = new ArrayList<>();
        for (String job : jobs) {
            for (int s = 0; s < STREAMS_PER_JOB; s++) {
                work.add(threads.submit(() -> follow(base, job)));
            }
        }
        for (int r = 0; r < RUNNERS; r++) {
            work.add(threads.submit(() -> {
                for (ClaimedJob claim; (claim = claim(base)) != null; ) {
                    report(base, claim);
                }
                return null;
            }));
        }
        for (Future<?> piece : work) {
            piece.get(Math.max(0, giveUp - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        // A client reading the outcome, as the page does when a stream ends.
        for (String job : jobs) {
            send(HttpRequest.newBuilder(URI.create(base + "/api/jobs/" + job)), 200);
        }
    }

    private String createJob(String base, int i) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/jobs"));
        if (i % 2 == 0) {
            request.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"training " + i + "\"}"));
        } else {
            // The page's way: a multipart form with a photo.
            String boundary = "training" + i;
            ByteArrayOutputStream form = new ByteArrayOutputStream();
            form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\ntraining "
                    + i + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; "
                    + "filename=\"training.png\"\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            form.writeBytes(photo);
            form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            request.header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(form.toByteArray()));
        }
        return json.readTree(send(request, 201)).get("job_id").asString();
    }

    /** One client's SSE stream of the job, read until its {@code done}. */
    private Void follow(String base, String job) throws IOException, InterruptedException {
        HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/jobs/" + job
                + "/events")).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = response.body()) {
            if (lines.noneMatch("event: done"::equals)) {
                throw new IOException("the stream of " + job + " ended before its done event");
            }
        }
        return null;
    }

    private ClaimedJob claim(String base) throws IOException, InterruptedException {
        String body = send(runner(base + RunnerRoutes.CLAIM_PATH, new ClaimRequest("training", 0L, null, null)), 200,
                204);
        return body.isEmpty() ? null : json.readValue(body, ClaimedJob.class);
    }

    private void report(String base, ClaimedJob claim) throws IOException, InterruptedException {
        String job = claim.jobId();
        Lease lease = claim.lease();
        if (claim.image() != null) {
            send(runner(base + RunnerRoutes.IMAGE.path(job)).GET(), 200);
        }
        for (int seq = 1; seq <= REPORTS_PER_JOB; seq++) {
            send(runner(base + RunnerRoutes.THINKING.path(job), new ThinkingReport(null, lease.id(), lease.epoch(),
                    (long) seq, seq, 12.5, null, seq * 80L, "word" + seq + " ", null)), 200);
        }
        send(runner(base + RunnerRoutes.COMPLETE.path(job), new Completion(null, lease.id(), lease.epoch(),
                "A training critique.", REPORTS_PER_JOB, null, null, null)), 200);
    }

    /** A small PNG of noise, so the photo's path (decoding, checks, storage, the runner's download) is trained too. */
    private static byte[] photo() {
        BufferedImage image = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(23);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }

    private HttpRequest.Builder runner(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + runnerToken);
    }

    /** A runner's POST of one of the protocol's messages, written as the runners write it. */
    private HttpRequest.Builder runner(String url, Object message) {
        return runner(url).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(message)));
    }

    private String send(HttpRequest.Builder builder, int... expected) throws IOException, InterruptedException {
        HttpRequest request = builder.build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        for (int status : expected) {
            if (response.statusCode() == status) {
                return response.body();
            }
        }
        throw new IOException(request.method() + " " + request.uri() + " answered " + response.statusCode() + ": "
                + response.body());
    }
}
