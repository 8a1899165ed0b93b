package dev.mondrian.runner.service;

import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.ServiceProcess;
import dev.mondrian.functions.support.SseClient.Frame;
import dev.mondrian.functions.support.SseClient;
import dev.mondrian.functions.support.TestImages;
import dev.mondrian.runner.model.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * The whole product under many concurrent jobs: the functions service (its exec jar, SQLite) and one
 * real runner process with a real model, jobs created over HTTP and followed over SSE as a browser
 * does. For each {@code --slots} value: time to first token (creation to the first {@code token}
 * event) and time to {@code done}, p50/p99/max, and the tokens per second of the whole run. Then, with
 * nine slots, how long a job arriving while eight others decode waits for its first token. Not a
 * test: {@code ./mondrian load runner [jobs] [max_tokens] [model] [slots...]} (32 jobs, 64 tokens, the shipped model,
 * slots 1 and 8 unless given). Prints Markdown on stdout.
 */
public final class ServiceLoad {
    private static final Duration WAIT = Duration.ofMinutes(30);

    private record Outcome(double firstTokenSeconds, double doneSeconds, int tokens) {}

    private ServiceLoad() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: ServiceLoad MODEL JOBS MAX_TOKENS [SLOTS...] (default slots: 1 8)");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        int jobs = Integer.parseInt(args[1]);
        int maxTokens = Integer.parseInt(args[2]);
        System.out.printf("%d jobs created at once, %d tokens at most each (greedy), model %s%n%n", jobs, maxTokens,
                model);
        System.out.println("| --slots | first token p50 | p99 | max | done p50 | p99 | max | tokens/s, whole run |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        int[] slotValues = args.length > 3
                ? Arrays.stream(args, 3, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 8};
        for (int slots : slotValues) {
            try (Stack stack = Stack.start(model, slots)) {
                long start = System.nanoTime();
                List<Outcome> outcomes = stack.run(jobs, maxTokens);
                double wall = (System.nanoTime() - start) / 1e9;
                double[] first = outcomes.stream().mapToDouble(Outcome::firstTokenSeconds).sorted().toArray();
                double[] done = outcomes.stream().mapToDouble(Outcome::doneSeconds).sorted().toArray();
                System.out.printf("| %d | %.2f s | %.2f s | %.2f s | %.2f s | %.2f s | %.2f s | %.1f |%n", slots,
                        percentile(first, 50), percentile(first, 99), first[first.length - 1], percentile(done, 50),
                        percentile(done, 99), done[done.length - 1],
                        outcomes.stream().mapToInt(Outcome::tokens).sum() / wall);
            }
        }
        try (Stack stack = Stack.start(model, 9)) {
            System.out.printf("%nA job arriving while 8 others decode (--slots 9): first token after %.2f s%n",
                    stack.newcomer(maxTokens));
        }
    }

    /** The service and one runner, each a process of its own, in a temporary folder. */
    private record Stack(Path dir, ServiceProcess service, RunnerChild runner, Http http, boolean photo)
            implements AutoCloseable {
        /** Jobs carry a photo when the model can see one, else they are prompts alone. */
        static Stack start(Path model, int slots) throws Exception {
            Path dir = Files.createTempDirectory("mondrian-load");
            ServiceProcess service = new ServiceProcess(Files.createDirectories(dir.resolve("data")),
                    List.of("-jar", System.getProperty("mondrian.functions.jar")), List.of()).start();
            RunnerChild runner = RunnerChild.start(model, service.base(), dir.resolve("runner.log"), "--slots",
                    Integer.toString(slots));
            return new Stack(dir, service, runner, new Http(service.base()),
                    ModelConfig.read(model).vision().isPresent());
        }

        List<Outcome> run(int jobs, int maxTokens) throws Exception {
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Outcome>> futures = new ArrayList<>();
                for (int i = 0; i < jobs; i++) {
                    futures.add(clients.submit(job(maxTokens)));
                }
                List<Outcome> outcomes = new ArrayList<>();
                for (Future<Outcome> future : futures) {
                    outcomes.add(future.get());
                }
                return outcomes;
            }
        }

        /** Eight long jobs; once all of them are generating, a ninth: its wait for a first token. */
        double newcomer(int maxTokens) throws Exception {
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                List<SseClient> running = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    running.add(follow(create(maxTokens * 4)));
                }
                for (SseClient sse : running) {
                    sse.awaitFrame(f -> f.event().equals("token"), WAIT);
                }
                Outcome late = clients.submit(job(maxTokens)).get();
                for (SseClient sse : running) {
                    sse.close();
                }
                return late.firstTokenSeconds();
            }
        }

        private Callable<Outcome> job(int maxTokens) {
            return () -> {
                long created = System.nanoTime();
                try (SseClient sse = follow(create(maxTokens))) {
                    sse.awaitFrame(f -> f.event().equals("token"), WAIT);
                    double first = (System.nanoTime() - created) / 1e9;
                    sse.awaitEnd(WAIT);
                    double done = (System.nanoTime() - created) / 1e9;
                    Frame complete = sse.frames().stream().filter(f -> f.event().equals("analysis_complete"))
                            .findFirst().orElseThrow(() -> new IllegalStateException("a job ended without an analysis"));
                    JsonNode stats = Http.JSON.readTree(complete.data());
                    return new Outcome(first, done, stats.get("tokens").asInt());
                }
            };
        }

        private String create(int maxTokens) {
            Map<String, Object> form = Http.form("prompt", "How is the light?", "advisor", "ansel", "max_tokens",
                    maxTokens, "temperature", "0");
            if (photo) {
                form.put("image", TestImages.png(64, 48));
            }
            Http.Response created = http.multipart("/api/jobs", form);
            if (created.status() != 201) {
                throw new IllegalStateException("job creation answered " + created.status() + ": " + created.body());
            }
            return created.json().get("job_id").asString();
        }

        private SseClient follow(String id) {
            return SseClient.open(service.base() + "/api/jobs/" + id + "/events");
        }

        @Override
        public void close() throws Exception {
            runner.close();
            service.close();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    private static double percentile(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
