package dev.mondrian.functions.load;

import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.ServiceProcess;
import dev.mondrian.functions.support.ServiceTest;
import dev.mondrian.progress.ProgressLine;
import dev.mondrian.protocol.RunnerRoutes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import tools.jackson.databind.JsonNode;

/**
 * The load harness (issue 8): one functions process on SQLite, {@code jobs} runners played over the real runner
 * API posting thinking updates with text at {@code rate} updates per second in all, and {@code clients} SSE and
 * {@code websockets} WebSocket clients spread over the jobs. It reports the connections held, the service's resident
 * memory, the callback latency (runner's round trip), the delivery latency (the event's commit time to its arrival
 * at each client), the update-to-client latency (a runner's first sending of an update to its text's arrival at
 * each client), and gaps and duplicates in every client's sequence of events, which must be zero.
 *
 * <p>Clients behave like the page: a stream that ends before the job's {@code done} is resumed after the last seq
 * seen ({@code Last-Event-ID}, {@code ?after=}); runners repeat an update the service did not acknowledge, with the
 * same {@code update_seq}. With {@code crash}, the service is killed with SIGKILL halfway and started again on the
 * same data; afterwards every job's log is read back and must hold exactly the updates the runners were told were
 * accepted, in order. With {@code warm}, the same load runs a second time on the same service, with new jobs and
 * clients, and reports both rounds: the second measures the service with its JVM warm.
 *
 * <p>{@code ./mondrian load [clients] [jobs] [updates/s] [seconds] [websockets] [crash|warm]}; the report on stdout,
 * progress on stderr every 5 s with rates and the time left ({@link ProgressLine}); the service's JVM options from
 * {@code functions/jvm.options}, then {@code MONDRIAN_LOAD_SERVICE_OPTS}. {@code ./mondrian load submit [jobs] [concurrency]}
 * measures job submission instead: multipart uploads of a 100 kB photo.
 */
public final class LoadGenerator {
    /** How long a runner waits before it sends an unanswered update again. */
    private static final long RUNNER_RETRY_MS = 200;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    private final ConcurrentLinkedQueue<Long> callbackMicros = new ConcurrentLinkedQueue<>();
    /** The same, for the second half of the run only: the service warmed up, the start's backlog worked off. */
    private final ConcurrentLinkedQueue<Long> laterCallbackMicros = new ConcurrentLinkedQueue<>();
    private volatile long secondHalfNanos = Long.MAX_VALUE;
    /** Where the first 10 s of updates end: what a service still warming up (a cold JIT) delivers. */
    private volatile long earlyEndNanos = Long.MIN_VALUE;
    /** An event's commit time (its {@code at}) to its arrival at a client. */
    private final PhasedMillis delivery = new PhasedMillis();
    /**
     * A runner's first sending of an update to its text's arrival at a client: what a person watching sees, the
     * wait for the service's writer included (delivery starts after it).
     */
    private final PhasedMillis updateToClient = new PhasedMillis();
    /** When each job's runner first sent each update, by {@code update_seq}. */
    private final Map<String, AtomicLongArray> sentMillis = new ConcurrentHashMap<>();
    private final Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger gaps = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();
    private final AtomicInteger resumed = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private volatile long giveUpNanos = Long.MAX_VALUE;

    public static void main(String[] args) throws Exception {
        if (args.length > 1 && args[1].equals("submit")) {
            int jobs = args.length > 2 ? Integer.parseInt(args[2]) : 5_000;
            int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 32;
            new LoadGenerator().submit(Path.of(args[0]), jobs, concurrency);
            return;
        }
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int jobs = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        int rate = args.length > 3 ? Integer.parseInt(args[3]) : 2_000;
        int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 60;
        int webSockets = args.length > 5 ? Integer.parseInt(args[5]) : 1_000;
        Mode mode = Mode.ONCE;
        if (args.length > 6) {
            mode = Mode.named(args[6]);
            if (mode == null) {
                System.err.println("mondrian load: the last argument is crash or warm, not '" + args[6] + "'");
                System.exit(2);
            }
        }
        new LoadGenerator().run(serviceLaunch(Path.of(args[0])), clients, jobs, rate, seconds, webSockets, mode);
    }

    /**
     * One round of the load; or one with the service killed halfway; or a second round on the same service, which
     * measures a warm JVM: the bound of what any start-up technique (an AOT cache, compiled code cached ahead) can give.
     */
    enum Mode {
        ONCE, CRASH, WARM;

        /** The mode a command line's last argument names, or null. */
        static Mode named(String argument) {
            return switch (argument) {
                case "crash" -> CRASH;
                case "warm" -> WARM;
                default -> null;
            };
        }
    }

    /** What a run found; every count but the totals must be zero. */
    record Report(int clients, int sawDone, int gaps, int duplicates, long accepted, int jobsMissing,
                  int jobsDiffering) {}

    /** @param launch what follows {@code java} to start the service: {@code -jar <exec jar>}, or a class path and main class */
    Report run(List<String> launch, int sseClients, int jobs, int rate, int seconds, int webSockets, Mode mode)
            throws Exception {
        Path data = Files.createTempDirectory("mondrian-load-");
        long launched = System.nanoTime();
        try (ServiceProcess service = new ServiceProcess(data, launch,
                List.of("--mondrian.claim-wait=0s", "--mondrian.heartbeat-interval=15s", "--logging.level.root=WARN"))
                .start()) {
            System.out.printf("service: launched to its first answer (GET /health) in %.2f s%n",
                    (System.nanoTime() - launched) / 1e9);
            Report report = measure(service, sseClients, jobs, rate, seconds, webSockets, mode == Mode.CRASH);
            if (mode == Mode.WARM) {
                System.out.printf("%nThe same load again on the same service, its JVM now warm (new jobs and clients):%n");
                report = new LoadGenerator().measure(service, sseClients, jobs, rate, seconds, webSockets, false);
            }
            return report;
        }
    }

    /** One round of the load on a running service, with jobs, clients and accounting of its own. */
    private Report measure(ServiceProcess service, int sseClients, int jobs, int rate, int seconds, int webSockets,
                           boolean crash) throws Exception {
        int clients = sseClients + webSockets;
        try (SseFleet fleet = sseFleet(service.base())) {
            Http http = new Http(service.base());
            List<String> ids = new ArrayList<>();
            AtomicLong created = new AtomicLong();
            try (ProgressLine progress = ProgressLine.following("creating jobs", jobs, "jobs", created::get)) {
                for (int i = 0; i < jobs; i++) {
                    ids.add(http.multipart("/api/jobs", Http.form("prompt", "load " + i)).json().get("job_id").asString());
                    created.incrementAndGet();
                }
            }
            System.out.printf("%d jobs created; opening %d SSE and %d WebSocket clients%n", jobs, sseClients, webSockets);
            CountDownLatch opened = new CountDownLatch(clients);
            try (ProgressLine progress = ProgressLine.following("opening clients", clients, "clients",
                    () -> clients - opened.getCount())) {
                for (int i = 0; i < clients; i++) {
                    String id = ids.get(i % jobs);
                    if (i < sseClients) {
                        fleet.open("/api/jobs/" + id + "/events", opened);
                    } else {
                        new WebSocketClient(service.base().replace("http://", "ws://") + "/api/jobs/" + id + "/ws",
                                opened).connect();
                    }
                }
                opened.await();
            }
            System.out.printf("%d clients connected; service RSS %d MB, heap %s; posting %d updates/s for %d s%n",
                    connected.get(), rssMb(service.pid()), heap(http), rate, seconds);
            // Claimed only now, so no lease lapses while thousands of clients connect.
            List<JsonNode> claims = new ArrayList<>();
            AtomicLong claimed = new AtomicLong();
            try (ProgressLine progress = ProgressLine.following("claiming jobs", jobs, "jobs", claimed::get)) {
                for (int i = 0; i < jobs; i++) {
                    claims.add(http.postJson("/api/runner/claim", ServiceTest.RUNNER_TOKEN,
                            Map.of("runner_id", "load-" + i)).json());
                    claimed.incrementAndGet();
                }
            }

            long start = System.nanoTime();
            long end = start + Duration.ofSeconds(seconds).toNanos();
            giveUpNanos = end + Duration.ofSeconds(120).toNanos();
            fleet.giveUpAt(giveUpNanos);
            List<Thread> runners = new ArrayList<>();
            double perRunnerPerSecond = (double) rate / jobs;
            for (JsonNode claim : claims) {
                runners.add(Thread.ofVirtual().start(() -> play(service.base(), claim, perRunnerPerSecond, end)));
            }
            secondHalfNanos = start + Duration.ofSeconds(seconds).toNanos() / 2;
            earlyEndNanos = start + Duration.ofSeconds(10).toNanos();
            long crashAt = crash ? start + Duration.ofSeconds(seconds).toNanos() / 2 : Long.MAX_VALUE;
            while (System.nanoTime() < end) {
                Thread.sleep(Math.max(1, Math.min(Math.min(ProgressLine.EVERY.toMillis(), (end - System.nanoTime()) / 1_000_000),
                        (crashAt - System.nanoTime()) / 1_000_000)));
                if (System.nanoTime() >= crashAt) {
                    crashAt = Long.MAX_VALUE;
                    long committed = accepted.get();
                    service.kill();
                    long down = System.nanoTime();
                    service.start();
                    System.out.printf("%4d s: service killed (SIGKILL) after %d updates accepted; up again in %.1f s%n",
                            (down - start) / 1_000_000_000, committed, (System.nanoTime() - down) / 1e9);
                    continue;
                }
                double elapsed = (System.nanoTime() - start) / 1e9;
                System.err.printf("load: %d updates accepted (%.0f/s), %d clients connected, RSS %d MB, heap %s, %s elapsed,"
                                + " %s left%n", accepted.get(), accepted.get() / elapsed, connected.get(),
                        rssMb(service.pid()), heap(http), ProgressLine.clock(elapsed),
                        ProgressLine.clock(Math.max(0, seconds - elapsed)));
            }
            for (Thread runner : runners) {
                runner.join();
            }
            long peakRss = rssMb(service.pid());
            String peakHeap = heap(http);
            for (JsonNode claim : claims) {
                http.postJson("/api/runner/jobs/" + claim.get("job_id").asString() + "/complete", ServiceTest.RUNNER_TOKEN,
                        Map.of("lease_id", claim.get("lease").get("id").asString(),
                                "lease_epoch", claim.get("lease").get("epoch").asLong(), "analysis", "done"));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            try (ProgressLine progress = ProgressLine.following("clients seeing done", clients, "clients", ended::get)) {
                while (ended.get() < clients && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
            }
            System.out.printf("%nclients %d: %d saw their job's done, %d reconnection attempts (streams that ended before"
                            + " done); jobs %d, updates accepted %d (%.0f/s), %d sent again after no answer%n", clients,
                    ended.get(), resumed.get(), jobs, accepted.get(), accepted.get() / (double) seconds, retried.get());
            System.out.printf("service at the end of the load: RSS %d MB, heap %s%n", peakRss, peakHeap);
            System.out.printf("callback latency ms: %s; second half: %s%n", percentiles(callbackMicros, 1000.0),
                    percentiles(laterCallbackMicros, 1000.0));
            System.out.printf("delivery latency ms: %s%n", delivery.report("deliveries"));
            System.out.printf("update to client ms: %s%n", updateToClient.report("texts seen"));
            System.out.printf("gaps %d, duplicates %d%n", gaps.get(), duplicates.get());
            int[] audit = crash ? audit(service.base(), ids) : new int[2];
            if (crash) {
                System.out.printf("after the crash: %d jobs read back, %d missing, %d whose log differs from the %d"
                        + " accepted updates%n", jobs, audit[0], audit[1], accepted.get());
            }
            return new Report(clients, ended.get(), gaps.get(), duplicates.get(), accepted.get(), audit[0], audit[1]);
        }
    }

    /**
     * Reads every job's whole log back and compares its token texts with the updates runners were told were
     * accepted: a committed update missing, or one kept twice, is counted. Returns {jobs missing, jobs differing}.
     */
    private int[] audit(String base, List<String> ids) throws IOException, InterruptedException {
        int jobsLost = 0;
        int mismatched = 0;
        for (String id : ids) {
            HttpResponse<java.util.stream.Stream<String>> replay = client.send(HttpRequest.newBuilder(
                    URI.create(base + "/api/jobs/" + id + "/events")).build(), HttpResponse.BodyHandlers.ofLines());
            if (replay.statusCode() != 200) {
                jobsLost++;
                continue;
            }
            List<String> texts = new ArrayList<>();
            for (String line : (Iterable<String>) replay.body()::iterator) {
                if (line.startsWith("data: ") && line.contains("\"type\":\"token\"")) {
                    String text = field(line, "\"text\":\"", '"');
                    texts.add(text == null ? "" : text);
                } else if (line.startsWith("data: ") && line.contains("\"type\":\"done\"")) {
                    break;
                }
            }
            if (!texts.equals(acknowledged.getOrDefault(id, List.of()))) {
                mismatched++;
            }
        }
        return new int[] {jobsLost, mismatched};
    }

    /** Job submission: {@code jobs} multipart uploads of a 100 kB photo from {@code concurrency} clients at once. */
    private void submit(Path jar, int jobs, int concurrency) throws Exception {
        byte[] photo = noisyPng(100 * 1024);
        Path data = Files.createTempDirectory("mondrian-load-");
        try (ServiceProcess service = new ServiceProcess(data, serviceLaunch(jar), List.of("--logging.level.root=WARN"))
                .start()) {
            Http http = new Http(service.base());
            AtomicInteger next = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            AtomicLong answered = new AtomicLong();
            ConcurrentLinkedQueue<Long> micros = new ConcurrentLinkedQueue<>();
            // A warm-up the size of one round, not counted: the JIT is part of start-up, not of the rate.
            for (int i = 0; i < concurrency; i++) {
                http.multipart("/api/jobs", Http.form("image", photo, "prompt", "warm-up"));
            }
            long start = System.nanoTime();
            List<Thread> senders = new ArrayList<>();
            try (ProgressLine progress = ProgressLine.following("submitting jobs", jobs, "jobs", answered::get)) {
                for (int c = 0; c < concurrency; c++) {
                    senders.add(Thread.ofVirtual().start(() -> {
                        while (next.getAndIncrement() < jobs) {
                            long sent = System.nanoTime();
                            int status = http.multipart("/api/jobs", Http.form("image", photo, "prompt", "load")).status();
                            micros.add((System.nanoTime() - sent) / 1_000);
                            answered.incrementAndGet();
                            if (status != 201) {
                                refused.incrementAndGet();
                            }
                        }
                    }));
                }
                for (Thread sender : senders) {
                    sender.join();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%d jobs with a %d-byte photo from %d clients in %.1f s: %.0f jobs/s, %d refused;"
                            + " latency ms %s; service RSS %d MB, heap %s%n", jobs, photo.length, concurrency, seconds,
                    jobs / seconds, refused.get(), percentiles(micros, 1000.0), rssMb(service.pid()), heap(http));
        }
    }

    /** A PNG of random pixels (which do not compress) of about {@code bytes}. */
    private static byte[] noisyPng(int bytes) throws IOException {
        int side = (int) Math.sqrt(bytes / 3.0);
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(side, side,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /**
     * The service as {@code ./mondrian start} runs it ({@code functions/jvm.options}), then any options in
     * {@code MONDRIAN_LOAD_SERVICE_OPTS} (later ones win, e.g. another heap limit: "-Xmx1g").
     */
    private static List<String> serviceLaunch(Path jar) {
        List<String> launch = new ArrayList<>(List.of("@functions/jvm.options"));
        launch.addAll(Arrays.asList(System.getenv().getOrDefault("MONDRIAN_LOAD_SERVICE_OPTS", "").split("\\s+")));
        launch.removeIf(String::isBlank);
        launch.addAll(List.of("-jar", jar.toString()));
        return launch;
    }

    /** The SSE clients: their events go through the same accounting as the WebSocket clients'. */
    private SseFleet sseFleet(String serviceBase) throws IOException {
        URI base = URI.create(serviceBase);
        return new SseFleet(new InetSocketAddress(base.getHost(), base.getPort()), new SseFleet.Listener() {
            @Override
            public boolean event(String data, long id, long lastId) {
                return received(data, id, lastId);
            }

            @Override
            public void opened() {
                connected.incrementAndGet();
            }

            @Override
            public void closed() {
                connected.decrementAndGet();
            }

            @Override
            public void resumed() {
                resumed.incrementAndGet();
            }
        });
    }

    /** Counts a gap or duplicate against the last seq seen and times token events; true for the job's {@code done}. */
    private boolean received(String json, long seq, long last) {
        if (seq <= last) {
            duplicates.incrementAndGet();
        } else if (seq > last + 1) {
            gaps.incrementAndGet();
        }
        // indexOf, not a regular expression: ten thousand clients parse 40 000 events a second on the same cores
        // as the service under test.
        String type = field(json, "\"type\":\"", '"');
        if ("token".equals(type)) {
            long now = System.currentTimeMillis();
            String at = field(json, "\"at\":", ',');
            if (at != null) {
                delivery.add(now - Long.parseLong(at));
            }
            AtomicLongArray sent = sentMillis.get(field(json, "\"job_id\":\"", '"'));
            String word = field(json, "\"text\":\"w", ' ');
            if (sent != null && word != null) {
                int updateSeq = Integer.parseInt(word);
                if (updateSeq < sent.length() && sent.get(updateSeq) > 0) {
                    updateToClient.add(now - sent.get(updateSeq));
                }
            }
        }
        if ("done".equals(type)) {
            ended.incrementAndGet();
            return true;
        }
        return false;
    }

    /** The text after {@code prefix} up to {@code end} (or the closing brace), or null without the prefix. */
    private static String field(String json, String prefix, char end) {
        int start = json.indexOf(prefix);
        if (start < 0) {
            return null;
        }
        start += prefix.length();
        int stop = json.indexOf(end, start);
        if (stop < 0) {
            stop = json.indexOf('}', start);
        }
        return json.substring(start, stop);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One WebSocket client: the same accounting as SSE over the event JSON's own seq; reconnects with {@code ?after=}. */
    private final class WebSocketClient implements WebSocket.Listener {
        private final String url;
        private final CountDownLatch opened;
        private final StringBuilder message = new StringBuilder();
        private long last;
        private boolean first = true;
        private boolean finished;

        WebSocketClient(String url, CountDownLatch opened) {
            this.url = url;
            this.opened = opened;
        }

        void connect() {
            client.newWebSocketBuilder().buildAsync(URI.create(url + (last > 0 ? "?after=" + last : "")), this)
                    .exceptionally(error -> {
                        lost();
                        return null;
                    });
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            connected.incrementAndGet();
            if (first) {
                first = false;
                opened.countDown();
            }
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean complete) {
            message.append(data);
            if (complete) {
                String json = message.toString();
                message.setLength(0);
                String seq = field(json, "\"seq\":", ',');
                long id = seq == null ? -1 : Long.parseLong(seq);
                if (received(json, id, last)) {
                    finished = true;
                }
                last = Math.max(last, id);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            connected.decrementAndGet();
            if (!finished) {
                lost();
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            connected.decrementAndGet();
            lost();
        }

        /** Closed before {@code done}: resume after the last seq, unless the run is over. */
        private void lost() {
            if (System.nanoTime() >= giveUpNanos) {
                if (first) {
                    opened.countDown();
                }
                return;
            }
            resumed.incrementAndGet();
            Thread.ofVirtual().start(() -> {
                pause(SseFleet.RESUME_MS);
                connect();
            });
        }
    }

    /**
     * One runner: thinking updates with a little text at its share of the rate, until the end. An update the
     * service did not answer is sent again with the same {@code update_seq}, which the service takes once.
     */
    private void play(String base, JsonNode claim, double perSecond, long end) {
        String jobId = claim.get("job_id").asString();
        List<String> told = acknowledged.computeIfAbsent(jobId, id -> new CopyOnWriteArrayList<>());
        long intervalNanos = (long) (1e9 / perSecond);
        long next = System.nanoTime() + (long) (Math.random() * intervalNanos);
        AtomicLongArray firstSent = sentMillis.computeIfAbsent(jobId,
                id -> new AtomicLongArray((int) ((end - System.nanoTime()) / intervalNanos) + 3));
        int seq = 0;
        try (RunnerConnection connection = new RunnerConnection(base, ServiceTest.RUNNER_TOKEN)) {
            while (next < end) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                seq++;
                String text = "w" + seq + " ";
                if (seq < firstSent.length()) {
                    firstSent.set(seq, System.currentTimeMillis());
                }
                String body = "{\"lease_id\":\"" + claim.get("lease").get("id").asString() + "\",\"lease_epoch\":"
                        + claim.get("lease").get("epoch").asLong() + ",\"update_seq\":" + seq + ",\"tokens\":" + seq
                        + ",\"tokens_per_second\":10,\"text\":\"" + text + "\"}";
                if (!report(connection, RunnerRoutes.THINKING.path(jobId), body, text, told)) {
                    return;
                }
                next += intervalNanos;
            }
        }
    }

    /**
     * Sends one update until the service accepts it, then adds its text to {@code told}; false if the service refused
     * it (the runner stops). Past the run's give-up time it stops trying and returns true, as a runner moves on.
     */
    private boolean report(RunnerConnection connection, String path, String body, String text, List<String> told) {
        while (System.nanoTime() < giveUpNanos) {
            long sent = System.nanoTime();
            try {
                int status = connection.post(path, body);
                if (status == 200) {
                    accepted.incrementAndGet();
                    told.add(text);
                    callbackMicros.add((System.nanoTime() - sent) / 1_000);
                    if (sent >= secondHalfNanos) {
                        laterCallbackMicros.add((System.nanoTime() - sent) / 1_000);
                    }
                    return true;
                }
                if (status / 100 == 4) {
                    System.err.println("callback refused (" + status + "); runner stops");
                    return false;
                }
            } catch (IOException e) {
                // the service is down (or restarting): the same update again shortly
            }
            retried.incrementAndGet();
            pause(RUNNER_RETRY_MS);
        }
        return true;
    }

    /** Latencies in ms over the whole run, its first 10 s of updates and its second half. */
    private final class PhasedMillis {
        final ConcurrentLinkedQueue<Long> whole = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Long> early = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Long> later = new ConcurrentLinkedQueue<>();

        void add(long millis) {
            whole.add(millis);
            long now = System.nanoTime();
            if (now >= secondHalfNanos) {
                later.add(millis);
            } else if (now < earlyEndNanos) {
                early.add(millis);
            }
        }

        String report(String what) {
            return "%s (%d %s); first 10 s: %s (%d); second half: %s (%d)".formatted(percentiles(whole, 1.0),
                    whole.size(), what, percentiles(early, 1.0), early.size(), percentiles(later, 1.0), later.size());
        }
    }

    private static String percentiles(ConcurrentLinkedQueue<Long> samples, double divisor) {
        long[] values = samples.stream().mapToLong(Long::longValue).sorted().toArray();
        if (values.length == 0) {
            return "none";
        }
        return "p50 %.1f, p99 %.1f, max %.1f".formatted(values[values.length / 2] / divisor,
                values[(int) Math.min(values.length - 1, Math.floor(values.length * 0.99))] / divisor,
                values[values.length - 1] / divisor);
    }

    /**
     * The service's heap as its own metrics say (used of committed, in MB), read with the admin token like any
     * Prometheus scrape; "?" while the service does not answer.
     */
    private static String heap(Http http) {
        try {
            Http.Response scrape = http.get("/actuator/prometheus", ServiceTest.ADMIN_TOKEN);
            double used = 0;
            double committed = 0;
            for (String line : scrape.body().split("\n")) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    used += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                } else if (line.startsWith("jvm_memory_committed_bytes{") && line.contains("area=\"heap\"")) {
                    committed += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return "%.0f of %.0f MB".formatted(used / (1 << 20), committed / (1 << 20));
        } catch (RuntimeException down) {
            return "?";
        }
    }

    private static long rssMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }
}
