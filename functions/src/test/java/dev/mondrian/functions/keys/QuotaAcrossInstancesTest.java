package dev.mondrian.functions.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.ServiceProcess;
import dev.mondrian.functions.support.ServiceTest;
import dev.mondrian.functions.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst of job creations with one key, through two service instances on one PostgreSQL database at once: the
 * quota holds for the key across both (the key's row is locked while its jobs are counted), not per JVM.
 */
class QuotaAcrossInstancesTest {
    private static final int MAX_ACTIVE = 3;
    private static final int BURST = 24;

    @Test
    void twoInstancesAdmitNoMoreThanTheKeysQuotaBetweenThem(@TempDir Path dir) throws Exception {
        String url = TestDatabase.freshPostgres();
        List<String> settings = List.of("--mondrian.database-url=" + url, "--mondrian.client-keys=true",
                "--mondrian.key-max-active=" + MAX_ACTIVE, "--mondrian.key-jobs-per-minute=0");
        List<String> launch = List.of("-cp", System.getProperty("java.class.path"), "dev.mondrian.functions.MondrianApplication");
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        try (ServiceProcess a = new ServiceProcess(dir.resolve("a"), launch, settings);
             ServiceProcess b = new ServiceProcess(dir.resolve("b"), launch, settings)) {
            CompletableFuture.allOf(CompletableFuture.runAsync(() -> start(a)), CompletableFuture.runAsync(() -> start(b)))
                    .join();
            Http httpA = new Http(a.base());
            Http httpB = new Http(b.base());
            String key = httpA.postJson("/api/admin/keys", ServiceTest.ADMIN_TOKEN, Map.of("name", "burst")).json()
                    .get("key").asString();

            List<CompletableFuture<Integer>> answers = new ArrayList<>();
            try (ExecutorService burst = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < BURST; i++) {
                    Http http = i % 2 == 0 ? httpA : httpB;
                    String prompt = "burst " + i;
                    answers.add(CompletableFuture.supplyAsync(
                            () -> http.postJson("/api/jobs", key, Map.of("prompt", prompt)).status(), burst));
                }
            }
            List<Integer> statuses = answers.stream().map(CompletableFuture::join).toList();
            assertThat(statuses).filteredOn(status -> status == 201).hasSize(MAX_ACTIVE);
            assertThat(statuses).filteredOn(status -> status == 429).hasSize(BURST - MAX_ACTIVE);
            assertThat(httpB.get("/api/jobs?limit=500", ServiceTest.ADMIN_TOKEN).json().size())
                    .as("nothing refused is stored").isEqualTo(MAX_ACTIVE);
        }
    }

    private static void start(ServiceProcess service) {
        try {
            service.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
