package dev.mondrian.functions.support;

import dev.mondrian.functions.MondrianApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the service tests: the real application on a random loopback port, over a real SQLite
 * file in a fresh temporary data folder for each test class; or, run again with
 * {@code -Dmondrian.test.database=postgresql}, over a fresh PostgreSQL database (tag {@code database}).
 */
@Tag("database")
@SpringBootTest(classes = MondrianApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ServiceTest {
    public static final String RUNNER_TOKEN = "runner-token-for-tests";
    public static final String ADMIN_TOKEN = "admin-token-for-tests";

    @Value("${local.server.port}")
    protected int port;

    @Value("${mondrian.data-dir}")
    protected Path dataDir;

    protected Http http;
    protected FakeRunner runner;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        // A new folder per application context: contexts stay cached side by side and must not share a file.
        Path dataDir = tempDir();
        registry.add("mondrian.data-dir", dataDir::toString);
        registry.add("mondrian.runner-token", () -> RUNNER_TOKEN);
        registry.add("mondrian.admin-token", () -> ADMIN_TOKEN);
        registry.add("mondrian.heartbeat-interval", () -> "1s");
        if (TestDatabase.postgres()) {
            String url = TestDatabase.freshPostgres();
            registry.add("mondrian.database-url", () -> url);
        }
    }

    @BeforeEach
    void clients() {
        http = new Http("http://127.0.0.1:" + port);
        runner = new FakeRunner(http, RUNNER_TOKEN);
    }

    /** Tests share one application: cancel whatever a test left unfinished so the next claim is its own. */
    @AfterEach
    void cancelUnfinishedJobs() {
        http.get("/api/jobs?limit=500", ADMIN_TOKEN).json().forEach(job -> {
            String status = job.get("status").asString();
            if (status.equals("queued") || status.equals("running")) {
                http.post("/api/jobs/" + job.get("job_id").asString() + "/cancel", "application/json", new byte[0]);
            }
        });
    }

    /** The service's metrics, scraped as Prometheus does (with the admin token). */
    protected Scrape metrics() {
        Http.Response response = http.get("/actuator/prometheus", ADMIN_TOKEN);
        if (response.status() != 200) {
            throw new AssertionError("metrics scrape answered " + response.status() + ": " + response.body());
        }
        return Scrape.parse(response.body());
    }

    /** Scrapes until the metrics meet the condition: what a request changed is counted just after it commits. */
    protected Scrape awaitMetrics(Predicate<Scrape> condition) throws InterruptedException {
        Duration wait = Duration.ofSeconds(20);
        long deadline = System.nanoTime() + wait.toNanos();
        Scrape now = metrics();
        while (!condition.test(now)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the metrics did not reach the expected values within " + wait);
            }
            Thread.sleep(50);
            now = metrics();
        }
        return now;
    }

    protected String url(String path) {
        return http.base() + path;
    }

    protected String wsUrl(String path) {
        return "ws://127.0.0.1:" + port + path;
    }

    @Value("${mondrian.database-url:}")
    private String databaseUrl;

    /** Counts rows straight from the database, bypassing the service. */
    protected long count(String sql) {
        String url = databaseUrl.isBlank() ? "jdbc:sqlite:" + dataDir.resolve("mondrian.db") : databaseUrl;
        try (Connection c = DriverManager.getConnection(url);
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("mondrian-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
