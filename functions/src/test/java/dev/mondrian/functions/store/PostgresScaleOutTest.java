package dev.mondrian.functions.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mondrian.functions.support.FakeRunner;
import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.ServiceProcess;
import dev.mondrian.functions.support.ServiceTest;
import dev.mondrian.functions.support.SseClient;
import dev.mondrian.functions.support.SseClient.Frame;
import dev.mondrian.functions.support.TestDatabase;
import dev.mondrian.functions.support.TestImages;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The scale-out mode against a real PostgreSQL server on loopback (functions/test/postgres.sh starts one and
 * ./mondrian test runs it): two function instances on one database, two runners, a stream on each instance.
 */
class PostgresScaleOutTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String TOKEN = ServiceTest.RUNNER_TOKEN;
    private static final int JOBS = 200;
    /** Completed jobs after which instance A is killed. */
    private static final int KILL_AFTER = 60;

    @Test
    void twoInstancesShareOneQueueAndOneStreamAndAKilledInstanceLosesNothing(@TempDir Path dir) throws Exception {
        String url = TestDatabase.freshPostgres();
        List<String> settings = List.of("--mondrian.database-url=" + url, "--mondrian.lease-duration=5s");
        ServiceProcess a = service(dir.resolve("a"), settings);
        ServiceProcess b = service(dir.resolve("b"), settings);
        try (a; b) {
            // Started together: both find an empty database and must not both apply the migrations.
            CompletableFuture.allOf(CompletableFuture.runAsync(() -> start(a)), CompletableFuture.runAsync(() -> start(b)))
                    .join();
            Http httpA = new Http(a.base());
            Http httpB = new Http(b.base());

            aRunnerReportingToOneInstanceIsSeenLiveOnTheOther(httpA, b.base());
            anAdminStreamOnOneInstanceHearsOfEveryJobOfTheOther(httpA, b.base());
            aStreamCatchesUpWhatItsInstanceMissedWhileNotListening(url, httpA, b.base());

            List<String> ids = submit(httpA, httpB);
            String watchedOnA = ids.get(JOBS - 2); // late in the queue: still running when A dies
            String watchedOnB = ids.get(JOBS - 1);
            SseClient streamA = SseClient.open(a.base() + "/api/jobs/" + watchedOnA + "/events");
            SseClient streamB = SseClient.open(b.base() + "/api/jobs/" + watchedOnB + "/events");

            Map<String, Integer> completions = new ConcurrentHashMap<>();
            AtomicReference<Http> runnerOneEndpoint = new AtomicReference<>(httpA);
            AtomicReference<Http> runnerTwoEndpoint = new AtomicReference<>(httpB);
            CompletableFuture<Void> one = CompletableFuture.runAsync(() -> run("one", runnerOneEndpoint, httpB, completions));
            CompletableFuture<Void> two = CompletableFuture.runAsync(() -> run("two", runnerTwoEndpoint, httpB, completions));

            long deadline = System.nanoTime() + WAIT.toNanos();
            while (completions.size() < KILL_AFTER && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            a.kill(); // SIGKILL under load: runner one moves to B, carrying whatever lease it holds
            streamA.awaitEnd(WAIT);
            List<Frame> beforeKill = streamA.frames();
            SseClient resumed = beforeKill.isEmpty() ? SseClient.open(b.base() + "/api/jobs/" + watchedOnA + "/events")
                    : SseClient.resume(b.base() + "/api/jobs/" + watchedOnA + "/events", beforeKill.getLast().id());
            CompletableFuture.allOf(one, two).get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);

            assertThat(runnerOneEndpoint.get()).as("runner one moved to B when A died").isSameAs(httpB);
            assertThat(completions).hasSize(JOBS).allSatisfy((id, times) -> assertThat(times).as(id).isEqualTo(1));
            for (String id : ids) {
                JsonNode job = httpB.get("/api/jobs/" + id).json();
                assertThat(job.get("status").asString()).as(id).isEqualTo("completed");
                assertThat(job.get("analysis").asString()).as(id).isEqualTo("analysis of " + id);
            }
            assertEveryLogIsWholeWithOneEnding(url, ids);

            List<Frame> stitched = new ArrayList<>(beforeKill);
            stitched.addAll(resumed.awaitEnd(WAIT).frames());
            assertThat(stitched).isEqualTo(replay(b.base(), watchedOnA));
            assertThat(streamB.awaitEnd(WAIT).frames()).isEqualTo(replay(b.base(), watchedOnB));
        }
    }

    /** B's stream is connected and idle; every later event is committed through A, so B hears of it only from A. */
    private static void aRunnerReportingToOneInstanceIsSeenLiveOnTheOther(Http httpA, String baseB) throws Exception {
        String id = httpA.multipart("/api/jobs", Http.form("prompt", "seen across instances")).json().get("job_id").asString();
        SseClient onB = SseClient.open(baseB + "/api/jobs/" + id + "/events");
        onB.awaitFrame(f -> f.data().contains("\"queued\""), WAIT);
        FakeRunner runner = new FakeRunner(httpA, TOKEN);
        FakeRunner.Claim claim = runner.claim(5000);
        assertThat(claim.jobId()).isEqualTo(id);
        assertThat(runner.thinking(claim, "update_seq", 1, "tokens", 7, "text", "across ").status()).isEqualTo(200);
        onB.awaitFrame(f -> f.event().equals("token") && f.data().contains("across "), WAIT);
        assertThat(runner.complete(claim, "seen").status()).isEqualTo(200);
        assertThat(onB.awaitEnd(WAIT).frames().getLast().event()).isEqualTo("done");
    }

    /** An admin stream on B, and no stream of the job there: B hears of the job, run wholly through A, all the same. */
    private static void anAdminStreamOnOneInstanceHearsOfEveryJobOfTheOther(Http httpA, String baseB) throws Exception {
        try (SseClient admin = SseClient.withToken(baseB + "/api/admin/events", ServiceTest.ADMIN_TOKEN)) {
            admin.awaitFrame(f -> f.event().equals("jobs"), WAIT);
            String id = httpA.multipart("/api/jobs", Http.form("prompt", "listed across instances")).json()
                    .get("job_id").asString();
            awaitRow(admin, id, "\"status\":\"queued\"");
            FakeRunner runner = new FakeRunner(httpA, TOKEN);
            FakeRunner.Claim claim = runner.claim(5000);
            assertThat(claim.jobId()).isEqualTo(id);
            assertThat(runner.thinking(claim, "update_seq", 1, "tokens", 7, "text", "listed ").status()).isEqualTo(200);
            awaitRow(admin, id, "\"tokens\":7,");
            assertThat(runner.complete(claim, "listed").status()).isEqualTo(200);
            awaitRow(admin, id, "\"status\":\"completed\"");
        }
    }

    private static void awaitRow(SseClient admin, String id, String field) throws InterruptedException {
        admin.awaitFrame(f -> f.event().equals("job") && f.data().contains("\"job_id\":\"" + id + "\"")
                && f.data().contains(field), WAIT);
    }

    /**
     * The instances' listening connections are cut (as a network blip or a database failover would) and an
     * update is committed before they can reconnect: B never hears of it, yet its stream shows it, because
     * a reconnected listener sends every watched stream back to the log.
     */
    private static void aStreamCatchesUpWhatItsInstanceMissedWhileNotListening(String url, Http httpA, String baseB)
            throws Exception {
        String id = httpA.multipart("/api/jobs", Http.form("prompt", "seen after a reconnect")).json().get("job_id")
                .asString();
        FakeRunner runner = new FakeRunner(httpA, TOKEN);
        FakeRunner.Claim claim = runner.claim(5000);
        assertThat(claim.jobId()).isEqualTo(id);
        SseClient onB = SseClient.open(baseB + "/api/jobs/" + id + "/events");
        onB.awaitFrame(f -> f.data().contains("\"running\""), WAIT);
        SseClient admin = SseClient.withToken(baseB + "/api/admin/events", ServiceTest.ADMIN_TOKEN);
        admin.awaitFrame(f -> f.event().equals("jobs"), WAIT);
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet cut = statement.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     + "WHERE datname = current_database() AND query LIKE 'LISTEN%'")) {
            int listeners = 0;
            while (cut.next()) {
                listeners++;
            }
            assertThat(listeners).as("listening connections, one per instance").isEqualTo(2);
        }
        assertThat(runner.thinking(claim, "update_seq", 1, "tokens", 5, "text", "missed ").status()).isEqualTo(200);
        onB.awaitFrame(f -> f.event().equals("token") && f.data().contains("missed "), WAIT);
        assertThat(runner.complete(claim, "caught up").status()).isEqualTo(200);
        assertThat(onB.awaitEnd(WAIT).frames().getLast().event()).isEqualTo("done");
        // The admin stream cannot know what it missed meanwhile: it sends the whole list again.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (admin.frames().stream().filter(f -> f.event().equals("jobs")).count() < 2) {
            assertThat(System.nanoTime()).as("a second list after the reconnect; got %s", admin.frames()).isLessThan(deadline);
            Thread.sleep(20);
        }
        admin.close();
    }

    /** Half the jobs through each instance, the two halves at once; returns the ids in submission order. */
    private static List<String> submit(Http httpA, Http httpB) {
        byte[] image = TestImages.png(40, 30);
        Function<Http, CompletableFuture<List<String>>> half = http -> CompletableFuture.supplyAsync(() -> {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < JOBS / 2; i++) {
                Http.Response response = http.multipart("/api/jobs", Http.form("image", image, "prompt", "job " + i));
                assertThat(response.status()).as(response.body()).isEqualTo(201);
                ids.add(response.json().get("job_id").asString());
            }
            return ids;
        });
        CompletableFuture<List<String>> fromA = half.apply(httpA);
        CompletableFuture<List<String>> fromB = half.apply(httpB);
        List<String> ids = new ArrayList<>(fromA.join());
        ids.addAll(fromB.join());
        return ids;
    }

    /**
     * A runner that claims, reports three updates and completes until every job is done. When its instance
     * stops answering it carries on against {@code fallback}, with the lease it holds: leases live in the database.
     */
    private static void run(String name, AtomicReference<Http> endpoint, Http fallback, Map<String, Integer> completions) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (completions.size() < JOBS) {
            if (System.nanoTime() > deadline) {
                fail("runner " + name + ": jobs still unfinished after " + WAIT + ": " + (JOBS - completions.size()));
            }
            Http.Response claimed = call(endpoint, fallback, http -> http.postJson("/api/runner/claim", TOKEN,
                    Map.of("runner_id", name, "wait_ms", 500)));
            if (claimed == null || claimed.status() == 204) {
                continue;
            }
            assertThat(claimed.status()).as(claimed.body()).isEqualTo(200);
            JsonNode body = claimed.json();
            FakeRunner.Claim claim = new FakeRunner.Claim(body.get("job_id").asString(),
                    body.get("lease").get("id").asString(), body.get("lease").get("epoch").asLong(), body);
            String path = "/api/jobs/" + claim.jobId() + "/thinking";
            for (int update = 1; update <= 3; update++) {
                Object[] fields = {"update_seq", update, "tokens", update * 10, "text", "part " + update + " "};
                Http.Response ack = call(endpoint, fallback, http -> http.putJson(path, TOKEN, claim.lease(fields)));
                assertThat(ack == null ? 0 : ack.status()).as("thinking for %s", claim.jobId()).isEqualTo(200);
            }
            Http.Response done = call(endpoint, fallback, http -> http.postJson(
                    "/api/runner/jobs/" + claim.jobId() + "/complete", TOKEN,
                    claim.lease("analysis", "analysis of " + claim.jobId(), "tokens", 30)));
            assertThat(done == null ? 0 : done.status()).as("complete %s", claim.jobId()).isEqualTo(200);
            completions.merge(claim.jobId(), 1, Integer::sum);
        }
    }

    /** The call on the runner's instance; if that instance is gone, once more on the fallback (null if that fails too). */
    private static Http.Response call(AtomicReference<Http> endpoint, Http fallback, Function<Http, Http.Response> request) {
        try {
            return request.apply(endpoint.get());
        } catch (UncheckedIOException instanceGone) {
            endpoint.set(fallback);
            try {
                return request.apply(fallback);
            } catch (UncheckedIOException alsoGone) {
                return null;
            }
        }
    }

    /** Straight from the database: every job's events are numbered 1..n without a gap, with exactly one done. */
    private static void assertEveryLogIsWholeWithOneEnding(String url, List<String> ids) throws Exception {
        Map<String, long[]> logs = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT job_id, COUNT(*), MIN(seq), MAX(seq), "
                     + "SUM(CASE WHEN type = 'done' THEN 1 ELSE 0 END) FROM job_events GROUP BY job_id")) {
            while (rows.next()) {
                logs.put(rows.getString(1), new long[] {rows.getLong(2), rows.getLong(3), rows.getLong(4), rows.getLong(5)});
            }
        }
        for (String id : ids) {
            long[] log = logs.get(id);
            assertThat(log).as(id).isNotNull();
            assertThat(log[1]).as("first seq of %s", id).isEqualTo(1);
            assertThat(log[2]).as("last seq of %s", id).isEqualTo(log[0]);
            assertThat(log[3]).as("done events of %s", id).isEqualTo(1);
        }
    }

    private static List<Frame> replay(String base, String id) throws InterruptedException {
        List<Frame> frames = SseClient.open(base + "/api/jobs/" + id + "/events").awaitEnd(WAIT).frames();
        assertThat(frames.stream().map(f -> Long.parseLong(f.id())).toList())
                .isEqualTo(LongStream.rangeClosed(1, frames.size()).boxed().toList());
        return frames;
    }

    private static ServiceProcess service(Path dataDir, List<String> settings) throws Exception {
        Files.createDirectories(dataDir);
        return new ServiceProcess(dataDir, List.of("-cp", System.getProperty("java.class.path"),
                "dev.mondrian.functions.MondrianApplication"), settings);
    }

    private static void start(ServiceProcess service) {
        try {
            service.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
