package dev.mondrian.runner.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.Scrape;
import dev.mondrian.functions.support.ServiceProcess;
import dev.mondrian.functions.support.ServiceTest;
import dev.mondrian.functions.support.SseClient.Frame;
import dev.mondrian.functions.support.SseClient;
import dev.mondrian.functions.support.TestImages;
import dev.mondrian.runner.model.TinyModels;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The product end to end with real processes on loopback: the functions service from its
 * runnable jar, runners as started by {@code ./mondrian start}, a tiny vision model, a real photo
 * upload and the SSE stream a browser reads. Runners are killed, stopped and cut off from the
 * service while they generate; every job must still end exactly once with nothing lost.
 */
class RunnerEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path shared;
    static Path model;

    @TempDir
    Path dir;
    private final List<AutoCloseable> processes = new ArrayList<>();
    private ServiceProcess functions;
    private Http http;

    @BeforeAll
    static void writeModel() throws Exception {
        model = TinyModels.visionChat(shared.resolve("model"));
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable process : processes.reversed()) {
            process.close();
        }
    }

    private ServiceProcess functions(String... properties) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        functions = new ServiceProcess(data, List.of("-jar", System.getProperty("mondrian.functions.jar")),
                List.of(properties));
        processes.add(functions);
        http = new Http(functions.base());
        return functions;
    }

    /**
     * A runner with two batch slots unless the flags say otherwise: every scenario here (cancel, kill, lease
     * loss, drain, the soak) then runs through the batched decoder, where one step serves all of a runner's jobs.
     */
    private RunnerChild runner(String name, String... flags) throws Exception {
        String[] withSlots = List.of(flags).contains("--slots") ? flags
                : Stream.concat(Stream.of("--slots", "2"), Stream.of(flags)).toArray(String[]::new);
        RunnerChild runner = RunnerChild.start(model, functions.base(), dir.resolve(name + ".log"), withSlots);
        processes.add(runner);
        return runner;
    }

    private String upload(int maxTokens) {
        return upload(maxTokens, "ansel");
    }

    private String upload(int maxTokens, String advisor) {
        Http.Response created = http.multipart("/api/jobs", Http.form("image", TestImages.png(64, 48),
                "prompt", "How is the light?", "advisor", advisor, "max_tokens", maxTokens, "temperature", "0",
                "update_interval_ms", "100"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("job_id").asString();
    }

    private SseClient events(String id) {
        return SseClient.open(functions.base() + "/api/jobs/" + id + "/events");
    }

    private static JsonNode json(Frame frame) {
        return Http.JSON.readTree(frame.data());
    }

    private static List<JsonNode> of(SseClient sse, String type) {
        return sse.frames().stream().filter(f -> f.event().equals(type)).map(RunnerEndToEndTest::json).toList();
    }

    private static Frame generating(SseClient sse) throws InterruptedException {
        return sse.awaitFrame(f -> f.event().equals("thinking_update") && json(f).get("tokens").asInt() > 0, WAIT);
    }

    /** The text of the token events after the last re-queue: what the attempt that finished wrote. */
    private static String streamedText(SseClient sse) {
        StringBuilder text = new StringBuilder();
        for (Frame frame : sse.frames()) {
            if (frame.event().equals("token")) {
                text.append(json(frame).get("text").asString());
            } else if (frame.event().equals("status_update")
                    && json(frame).get("job_data").get("current_step").asString().equals("requeued")) {
                text.setLength(0);
            }
        }
        return text.toString();
    }

    private static List<String> steps(SseClient sse) {
        return of(sse, "status_update").stream().map(e -> e.get("job_data").get("current_step").asString()).toList();
    }

    @Test
    void aPhotoIsAnalysedLiveFromUploadToDone() throws Exception {
        functions("--mondrian.lease-duration=5s");
        // The runner comes up first, as it may in production: it retries until the service answers.
        RunnerChild runner = runner("runner");
        runner.awaitLog("waiting for the functions service", WAIT);
        functions.start();
        String id = upload(300);

        SseClient sse = events(id).awaitEnd(WAIT);
        List<String> types = sse.frames().stream().map(Frame::event).toList();
        assertThat(types.getLast()).isEqualTo("done");
        assertThat(json(sse.frames().getLast()).get("status").asString()).isEqualTo("completed");
        assertThat(steps(sse)).containsExactly("queued", "analyzing", "completed");

        List<JsonNode> thinking = of(sse, "thinking_update");
        JsonNode first = thinking.getFirst();
        assertThat(first.get("thinking").asString()).isEqualTo("Looking at the photo");
        // The prompt holds the advisor's system turn, the request and the photo's 16 image tokens.
        assertThat(first.get("prompt_tokens").asInt()).isGreaterThan(16);
        List<Integer> counts = thinking.stream().map(e -> e.get("tokens").asInt()).filter(t -> t > 0).toList();
        assertThat(counts).hasSizeGreaterThanOrEqualTo(2).isSorted().doesNotHaveDuplicates();
        assertThat(thinking.getLast().get("tokens_per_second").asDouble()).isPositive();

        JsonNode complete = of(sse, "analysis_complete").getFirst();
        assertThat(of(sse, "analysis_complete")).hasSize(1);
        assertThat(complete.get("tokens").asInt()).isEqualTo(300);
        assertThat(complete.get("tokens_per_second").asDouble()).isPositive();
        String analysis = complete.get("analysis").asString();
        assertThat(analysis).isNotEmpty();
        assertThat(of(sse, "token")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(streamedText(sse)).isEqualTo(analysis);
        JsonNode job = http.get("/api/jobs/" + id).json();
        assertThat(job.get("analysis").asString()).isEqualTo(analysis);
        assertThat(job.get("tokens").asInt()).isEqualTo(300);
        assertThat(runner.log()).contains("functions service reachable at");
    }

    @Test
    void aQwen3VlRunnerAnalysesAPhotoThroughTheRealService() throws Exception {
        functions().start();
        Path qwen = TinyModels.qwenVisionChat(dir.resolve("qwen3-vl"), "qwen3_vl");
        processes.add(RunnerChild.start(qwen, functions.base(), dir.resolve("qwen.log")));
        String id = upload(40);

        SseClient sse = events(id).awaitEnd(WAIT);
        assertThat(json(sse.frames().getLast()).get("status").asString()).isEqualTo("completed");
        JsonNode first = of(sse, "thinking_update").getFirst();
        assertThat(first.get("thinking").asString()).isEqualTo("Looking at the photo");
        // The 64x48 upload is resized to 64x64 pixels: 2x2 merged patches of 32 pixels, 4 image tokens.
        assertThat(first.get("prompt_tokens").asInt()).isGreaterThan(4);
        JsonNode complete = of(sse, "analysis_complete").getFirst();
        assertThat(complete.get("tokens").asInt()).isEqualTo(40);
        assertThat(streamedText(sse)).isEqualTo(complete.get("analysis").asString()).isNotEmpty();
    }

    @Test
    void withJsonLogsEveryRunnerLineIsAJsonObjectWithTheRunnerAndJobIds() throws Exception {
        functions("--mondrian.log-format=json").start();
        RunnerChild runner = RunnerChild.start(model, functions.base(), dir.resolve("runner.log"),
                Map.of("MONDRIAN_LOG_FORMAT", "json"), "--runner-id", "json-runner");
        processes.add(runner);
        String id = upload(60);
        assertThat(json(events(id).awaitEnd(WAIT).frames().getLast()).get("status").asString()).isEqualTo("completed");
        runner.terminate(WAIT);

        String log = runner.log();
        assertThat(log).doesNotContain(RunnerChild.TOKEN).doesNotContain("IHDR"); // the token; a PNG's bytes
        // The JVM's own line, written before any logger exists, for the decode kernel's --add-modules.
        assertThat(log.lines().filter(line -> line.startsWith("WARNING:")))
                .containsExactly("WARNING: Using incubator modules: jdk.incubator.vector");
        List<JsonNode> lines = log.lines().filter(line -> !line.startsWith("WARNING: Using incubator")).map(line -> {
            JsonNode node = Http.JSON.readTree(line);
            assertThat(node.isObject()).as(line).isTrue();
            return node;
        }).toList();
        assertThat(lines).extracting(line -> line.get("message").asString())
                .anyMatch(message -> message.startsWith("loaded "))
                .anyMatch(message -> message.startsWith("job " + id + ": started"))
                .anyMatch(message -> message.startsWith("job " + id + ": ended"))
                .anyMatch(message -> message.equals("runner stopped"));
        // DJL's own lines as well as the runner's: every line after the first logger was made.
        assertThat(lines).allSatisfy(line -> assertThat(line.path("runner_id").asString()).as(line.toString())
                .isEqualTo("json-runner"));
        assertThat(lines).filteredOn(line -> line.get("message").asString().contains(id))
                .allSatisfy(line -> assertThat(line.path("job_id").asString()).as(line.toString()).isEqualTo(id));
    }

    @Test
    void theRunnerAndTheServiceBothShowTheJobInTheirMetrics() throws Exception {
        functions().start();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        runner("runner", "--runner-id", "metrics-runner", "--metrics-port", String.valueOf(port),
                "--metrics-address", "127.0.0.1");
        Http runnerMetrics = new Http("http://127.0.0.1:" + port);
        String id = upload(1500);
        SseClient sse = events(id);
        generating(sse);
        assertThat(scrape(runnerMetrics, "/metrics", null).value("mondrian_runner_jobs_running")).isEqualTo(1);
        sse.awaitEnd(WAIT);

        int tokens = http.get("/api/jobs/" + id).json().get("tokens").asInt();
        // The client's done comes when the service stores the completion; the runner's job ends just after.
        long deadline = System.nanoTime() + WAIT.toNanos();
        Scrape runner = scrape(runnerMetrics, "/metrics", null);
        while (runner.value("mondrian_runner_jobs_running") != 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            runner = scrape(runnerMetrics, "/metrics", null);
        }
        assertThat(runner.value("mondrian_runner_jobs_running")).isZero();
        assertThat(runner.value("mondrian_runner_tokens_generated_total")).isEqualTo(tokens);
        assertThat(runner.value("mondrian_runner_tokens_per_second")).isPositive();
        assertThat(runner.value("mondrian_runner_first_token_seconds_count")).isEqualTo(1);
        assertThat(runner.value("mondrian_runner_info", "runner", "metrics-runner", "model", "model", "device", "cpu"))
                .isEqualTo(1);
        assertThat(runner.value("process_resident_memory_bytes")).isGreaterThan(50 << 20);
        assertThat(runner.value("jvm_memory_used_bytes", "area", "heap")).isPositive();

        Scrape service = scrape(http, "/actuator/prometheus", ServiceTest.ADMIN_TOKEN);
        assertThat(service.value("mondrian_jobs_started_total")).isEqualTo(1);
        assertThat(service.value("mondrian_jobs_finished_total", "status", "completed")).isEqualTo(1);
        assertThat(service.value("mondrian_first_token_seconds_count", "runner", "metrics-runner")).isEqualTo(1);
        // The service sees the first text later than the runner made it: the callback's trip comes on top.
        assertThat(service.value("mondrian_first_token_seconds_sum", "runner", "metrics-runner"))
                .isGreaterThan(runner.value("mondrian_runner_first_token_seconds_sum"));
        assertThat(service.value("mondrian_tokens_per_second", "runner", "metrics-runner")).isPositive();
        assertThat(service.value("mondrian_callbacks_seconds_count", "route", "/api/runner/jobs/{id}/complete"))
                .isEqualTo(1);
        assertThat(service.value("mondrian_events_published_total", "type", "done")).isEqualTo(1);
    }

    private static Scrape scrape(Http http, String path, String token) {
        Http.Response response = http.get(path, token);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return Scrape.parse(response.body());
    }

    @Test
    void oneRunnerServesTwoJobsAtOnceOnOneLoadedModel() throws Exception {
        functions().start();
        RunnerChild runner = runner("runner");
        String a = upload(800);
        String b = upload(800);
        SseClient first = events(a);
        SseClient second = events(b);
        first.awaitEnd(WAIT);
        second.awaitEnd(WAIT);
        JsonNode jobA = http.get("/api/jobs/" + a).json();
        JsonNode jobB = http.get("/api/jobs/" + b).json();
        assertThat(List.of(jobA.get("status").asString(), jobB.get("status").asString())).containsOnly("completed");
        // Each started before the other finished: they ran side by side.
        assertThat(jobA.get("started_at").asLong()).isLessThan(jobB.get("finished_at").asLong());
        assertThat(jobB.get("started_at").asLong()).isLessThan(jobA.get("finished_at").asLong());
        // Same photo, prompt and greedy decoding: sharing the model must not let one stream disturb the other.
        assertThat(jobA.get("analysis").asString()).isEqualTo(jobB.get("analysis").asString());
        assertThat(streamedText(first)).isEqualTo(jobA.get("analysis").asString());
        assertThat(streamedText(second)).isEqualTo(jobB.get("analysis").asString());
        assertThat(runner.log().lines().filter(line -> line.contains("RunnerProcess - loaded"))).hasSize(1);
    }

    @Test
    void aRunnerKilledMidJobIsReplacedAndTheJobCompletesExactlyOnce() throws Exception {
        functions("--mondrian.lease-duration=2s", "--mondrian.lease-check-interval=200ms").start();
        RunnerChild first = runner("first");
        String id = upload(1500);
        SseClient sse = events(id);
        generating(sse);
        first.kill();

        RunnerChild second = runner("second");
        sse.awaitEnd(WAIT);
        assertThat(steps(sse)).containsSubsequence("analyzing", "requeued", "analyzing", "completed");
        assertThat(of(sse, "analysis_complete")).hasSize(1);
        String analysis = of(sse, "analysis_complete").getFirst().get("analysis").asString();
        assertThat(streamedText(sse)).isEqualTo(analysis);
        JsonNode job = http.get("/api/jobs/" + id).json();
        assertThat(job.get("status").asString()).isEqualTo("completed");
        assertThat(job.get("attempts").asInt()).isEqualTo(2);
        assertThat(job.get("analysis").asString()).isEqualTo(analysis);
        second.awaitLog("job " + id + ": ended (DELIVERED)", WAIT);
    }

    /**
     * Two advisors alike in every word of their persona, one with a LoRA adapter: their jobs share one runner
     * and its batched steps, each reads exactly as it does alone, and the adapter is what sets them apart.
     */
    @Test
    void anAdvisorsAdapterShapesItsJobsBesideAnAdvisorWithout() throws Exception {
        Path adapters = Files.createDirectories(dir.resolve("adapters"));
        TinyModels.adapter(model, adapters.resolve("ansel-lora"), 5, true);
        Path advisors = dir.resolve("advisors.json");
        String persona = "\"name\": \"Ansel\", \"bio\": \"A landscape photographer.\", \"focus_areas\": [\"exposure\"],"
                + " \"voice\": \"Calm.\"";
        Files.writeString(advisors, "[{\"id\": \"ansel\", " + persona + ", \"adapter\": \"ansel-lora\"},"
                + " {\"id\": \"plain\", " + persona + "}]");
        functions("--mondrian.advisors-file=" + advisors).start();
        JsonNode listed = http.get("/api/advisors").json();
        assertThat(listed.get(0).get("adapter").asString()).isEqualTo("ansel-lora");
        assertThat(listed.get(1).get("adapter").isNull()).isTrue();
        RunnerChild runner = runner("runner", "--adapters", adapters.toString());
        runner.awaitLog("adapter ansel-lora: fits the model", WAIT);

        SseClient adapted = events(upload(60, "ansel"));
        SseClient plain = events(upload(60, "plain"));
        adapted.awaitEnd(WAIT);
        plain.awaitEnd(WAIT);
        String adaptedText = of(adapted, "analysis_complete").getFirst().get("analysis").asString();
        String plainText = of(plain, "analysis_complete").getFirst().get("analysis").asString();
        assertThat(adaptedText).isNotEqualTo(plainText);
        assertThat(runner.log()).contains("advisor ansel with adapter ansel-lora");

        for (String advisor : List.of("ansel", "plain")) {
            SseClient alone = events(upload(60, advisor)).awaitEnd(WAIT);
            assertThat(of(alone, "analysis_complete").getFirst().get("analysis").asString()).as(advisor + " alone")
                    .isEqualTo(advisor.equals("ansel") ? adaptedText : plainText);
        }
    }

    @Test
    void aRunnerWhoseAdapterDoesNotFitTheModelRefusesToStart() throws Exception {
        Path adapters = Files.createDirectories(dir.resolve("adapters"));
        TinyModels.adapter(model, adapters.resolve("wrong"), 5, false);
        functions().start();
        RunnerChild runner = runner("runner", "--adapters", adapters.toString());
        assertThat(runner.awaitExit(WAIT)).isEqualTo(2);
        assertThat(runner.log()).contains("adapter " + adapters.resolve("wrong") + " does not fit this model at "
                + "model.layers.0.self_attn.q_proj").doesNotContain("\tat ");
    }

    /**
     * An operator gives an advisor an adapter through the admin API while the runner runs: accepted once the
     * runner has said it holds one of that name that fits, and its next job is generated through it; an adapter
     * put under the runner's folder later that does not fit the model is refused when chosen, with the
     * runner's reason, and the runner goes on serving.
     */
    @Test
    void anOperatorChoosesAnAdapterTheRunnerHoldsAndIsToldWhenOneDoesNotFit() throws Exception {
        Path adapters = Files.createDirectories(dir.resolve("adapters"));
        TinyModels.adapter(model, adapters.resolve("ansel-lora"), 5, true);
        functions().start();
        RunnerChild runner = runner("runner", "--adapters", adapters.toString(), "--runner-id", "runner-a");
        runner.awaitLog("adapter ansel-lora: fits the model", WAIT);
        String plain = of(events(upload(40, "ansel")).awaitEnd(WAIT), "analysis_complete").getFirst()
                .get("analysis").asString();

        Http.Response chosen = awaitChoice("ansel", "ansel-lora", "\"adapter\":\"ansel-lora\"");
        assertThat(chosen.json().get("runners").toString()).isEqualTo("[\"runner-a\"]");
        String adapted = of(events(upload(40, "ansel")).awaitEnd(WAIT), "analysis_complete").getFirst()
                .get("analysis").asString();
        assertThat(runner.log()).contains("advisor ansel with adapter ansel-lora");
        assertThat(adapted).isNotEqualTo(plain);

        // Written aside and moved in whole, as an operator would: a folder the runner saw half-written would first
        // be reported for its missing files (and then, once they are written, for its misfit).
        Path staged = TinyModels.adapter(model, dir.resolve("staging").resolve("wrong"), 6, false);
        Files.move(staged, adapters.resolve("wrong"), StandardCopyOption.ATOMIC_MOVE);
        Http.Response refused = awaitChoice("okeefe", "wrong", "cannot be used");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.error()).startsWith("adapter 'wrong' cannot be used: runner runner-a: adapter ")
                .contains("does not fit this model at model.layers.0.self_attn.q_proj");
        assertThat(runner.log()).contains("adapter wrong cannot be used");
        SseClient after = events(upload(40, "okeefe")).awaitEnd(WAIT);
        assertThat(json(after.frames().getLast()).get("status").asString()).isEqualTo("completed");
    }

    /** Chooses until the answer says {@code expected}: the runner reports its adapters at its next claim. */
    private Http.Response awaitChoice(String advisor, String adapter, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Http.Response answer = http.putJson("/api/admin/advisors/" + advisor + "/adapter", ServiceTest.ADMIN_TOKEN,
                    Map.of("adapter", adapter));
            if (answer.body().contains(expected) || System.nanoTime() > deadline) {
                assertThat(answer.body()).contains(expected);
                return answer;
            }
            Thread.sleep(100);
        }
    }

    /**
     * A soak: 100 jobs while runners are killed at random (SIGKILL, no drain) and replaced, for a minute and a
     * half; then the last two runners finish what is left. Every job completes exactly once: one analysis, one
     * done, its events numbered without a gap. (The killing stops before the end so that the test proves
     * recovery, not the machine's speed: on a slow day a runner killed every second or two finished too few
     * jobs for all 100 to end within a fixed time.)
     */
    @Test
    void aSoakWithRunnersKilledAtRandomCompletesEveryJobExactlyOnce() throws Exception {
        functions("--mondrian.lease-duration=2s", "--mondrian.lease-check-interval=200ms", "--mondrian.max-attempts=50")
                .start();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ids.add(upload(200));
        }
        RunnerChild[] runners = {runner("runner-0"), runner("runner-1")};
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        int kills = 0;
        long killing = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (finished(ids) < ids.size() && System.nanoTime() < killing) {
            Thread.sleep(800 + random.nextInt(1200));
            int victim = random.nextInt(runners.length);
            runners[victim].kill();
            kills++;
            runners[victim] = runner("runner-" + victim + "-" + kills);
        }
        int finishedWhileKilling = finished(ids);
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (finished(ids) < ids.size() && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertThat(finished(ids)).as("jobs finished after %d kills (%d of them while killing)", kills,
                finishedWhileKilling).isEqualTo(ids.size());
        assertThat(kills).isGreaterThanOrEqualTo(3);
        int retried = 0;
        for (String id : ids) {
            SseClient replay = events(id).awaitEnd(WAIT);
            assertThat(of(replay, "analysis_complete")).as(id).hasSize(1);
            assertThat(of(replay, "done")).as(id).hasSize(1);
            assertThat(replay.frames().stream().map(f -> Long.parseLong(f.id())).toList()).as(id)
                    .isEqualTo(java.util.stream.LongStream.rangeClosed(1, replay.frames().size()).boxed().toList());
            JsonNode job = http.get("/api/jobs/" + id).json();
            assertThat(job.get("status").asString()).as(id).isEqualTo("completed");
            assertThat(job.get("analysis").asString()).as(id).isEqualTo(streamedText(replay));
            retried += job.get("attempts").asInt() > 1 ? 1 : 0;
        }
        // The kills hit jobs in flight, not only idle runners.
        assertThat(retried).as("jobs that a kill sent back to the queue, of %d kills", kills).isPositive();
        System.out.printf("soak: %d jobs, %d runner kills, %d jobs retried, %d finished while killing%n", ids.size(), kills,
                retried, finishedWhileKilling);
    }

    private int finished(List<String> ids) {
        int done = 0;
        for (JsonNode job : http.get("/api/jobs?limit=500", ServiceTest.ADMIN_TOKEN).json()) {
            if (ids.contains(job.get("job_id").asString()) && !job.get("status").asString().matches("queued|running")) {
                done++;
            }
        }
        return done;
    }

    @Test
    void cancellingMidGenerationStopsTheRunnerWhichThenTakesTheNextJob() throws Exception {
        functions().start();
        RunnerChild runner = runner("runner");
        int maxTokens = 3000;
        String id = upload(maxTokens);
        SseClient sse = events(id);
        generating(sse);
        assertThat(http.postJson("/api/jobs/" + id + "/cancel", null, java.util.Map.of()).status()).isEqualTo(200);

        sse.awaitEnd(WAIT);
        assertThat(json(sse.frames().getLast()).get("status").asString()).isEqualTo("cancelled");
        String stopped = runner.awaitLog("job " + id + ": generation stopped after", WAIT);
        Matcher tokens = Pattern.compile("after (\\d+) tokens").matcher(stopped);
        assertThat(tokens.find()).isTrue();
        assertThat(Integer.parseInt(tokens.group(1))).isLessThan(maxTokens);

        String next = upload(20);
        SseClient nextEvents = events(next).awaitEnd(WAIT);
        assertThat(json(nextEvents.frames().getLast()).get("status").asString()).isEqualTo("completed");
        assertThat(http.get("/api/jobs/" + id).json().get("status").asString()).isEqualTo("cancelled");
    }

    @Test
    void sigtermLetsARunningJobFinishWithinTheDrainTimeout() throws Exception {
        functions().start();
        RunnerChild runner = runner("runner");
        String id = upload(400);
        SseClient sse = events(id);
        generating(sse);
        runner.terminate(WAIT);

        sse.awaitEnd(WAIT);
        assertThat(json(sse.frames().getLast()).get("status").asString()).isEqualTo("completed");
        assertThat(of(sse, "analysis_complete").getFirst().get("tokens").asInt()).isEqualTo(400);
        assertThat(runner.log()).contains("runner stopped");
    }

    @Test
    void sigtermHandsBackAJobThatCannotFinishInTime() throws Exception {
        functions().start();
        RunnerChild first = runner("first", "--drain-timeout-ms", "200");
        String id = upload(3000);
        SseClient sse = events(id);
        generating(sse);
        first.terminate(WAIT);
        assertThat(first.log()).contains("job " + id + ": handing it back to the queue");
        assertThat(http.get("/api/jobs/" + id).json().get("status").asString()).isEqualTo("queued");

        runner("second");
        sse.awaitEnd(WAIT);
        assertThat(steps(sse)).containsSubsequence("analyzing", "requeued", "analyzing", "completed");
        assertThat(of(sse, "analysis_complete")).hasSize(1);
        // A hand-back is not a failed attempt: the job is on its first counted one.
        assertThat(http.get("/api/jobs/" + id).json().get("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void theServiceGoingAwayMidJobLosesNothingAndSendsNothingTwice() throws Exception {
        functions("--mondrian.lease-duration=30s").start();
        RunnerChild runner = runner("runner");
        String id = upload(1500);
        generating(events(id));
        functions.kill();
        runner.awaitLog("retrying with backoff, updates are kept", WAIT);
        functions.start(); // same port, same SQLite file

        SseClient sse = events(id).awaitEnd(WAIT);
        assertThat(steps(sse)).containsExactly("queued", "analyzing", "completed");
        assertThat(of(sse, "analysis_complete")).hasSize(1);
        JsonNode complete = of(sse, "analysis_complete").getFirst();
        assertThat(complete.get("tokens").asInt()).isEqualTo(1500);
        assertThat(streamedText(sse)).isEqualTo(complete.get("analysis").asString());
        assertThat(runner.log()).contains("functions service reachable again");
    }
}
