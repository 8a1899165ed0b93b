package dev.mondrian.functions.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mondrian.functions.support.FakeRunner.Claim;
import dev.mondrian.functions.support.FakeRunner;
import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.ServiceProcess;
import dev.mondrian.functions.support.ServiceTest;
import dev.mondrian.functions.support.TestImages;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data folder fills up under a running service: writes are refused with a clear 507, reads go on, nothing
 * half-written is kept, and once there is room the same database takes writes again and passes SQLite's integrity
 * check. A read-only data folder stops the start with a clear error and leaves the database as it was. The folder is a real small tmpfs, so this needs the right to mount
 * (root, as in CI, where it fails without it); elsewhere it is skipped with that reason.
 */
class StorageFaultTest {
    private Path mounted;

    private Path smallFileSystem(Path dir, String size) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        boolean mountable = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", data.toString()) == 0;
        if (!mountable && "true".equals(System.getenv("CI"))) {
            fail("cannot mount a tmpfs: CI must run these tests as root, where they cannot be skipped");
        }
        assumeTrue(mountable, "needs the right to mount a tmpfs (run as root)");
        mounted = data;
        return data;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            run("umount", "-l", mounted.toString());
        }
    }

    private static int run(String... command) throws Exception {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }

    /** Writes zeros until the file system has no room left. */
    private static Path fill(Path dir) throws IOException {
        Path filler = dir.resolve("filler");
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // no space left: exactly what this test wants
        }
        return filler;
    }

    private static long count(Path db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String integrity(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet rs = c.createStatement().executeQuery("PRAGMA integrity_check")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aFullDiskRefusesWritesClearlyKeepsReadsAndRecovers(@TempDir Path dir) throws Exception {
        Path data = smallFileSystem(dir, "6m");
        try (ServiceProcess service = new ServiceProcess(data).start()) {
            Http http = new Http(service.base());
            FakeRunner runner = new FakeRunner(http, ServiceTest.RUNNER_TOKEN);
            String before = http.multipart("/api/jobs", Http.form("prompt", "before the disk filled")).json()
                    .get("job_id").asString();
            Claim claim = runner.claim(5000);

            Path filler = fill(data);
            Http.Response upload = http.multipart("/api/jobs", Http.form("image", TestImages.png(400, 300), "prompt", "x"));
            assertThat(upload.status()).as(upload.body()).isEqualTo(507);
            assertThat(upload.error()).contains("storage is full");
            Http.Response thinking = runner.thinking(claim, "update_seq", 1, "tokens", 5, "text", "lost? ");
            assertThat(thinking.status()).as(thinking.body()).isEqualTo(507);
            assertThat(http.get("/api/jobs/" + before).status()).isEqualTo(200);

            Files.delete(filler);
            assertThat(runner.thinking(claim, "update_seq", 1, "tokens", 5, "text", "kept ").status()).isEqualTo(200);
            assertThat(runner.complete(claim, "kept").status()).isEqualTo(200);
            assertThat(http.multipart("/api/jobs", Http.form("prompt", "after")).status()).isEqualTo(201);
        }
        Path db = data.resolve("mondrian.db");
        assertThat(integrity(db)).isEqualTo("ok");
        assertThat(count(db, "SELECT count(*) FROM jobs")).isEqualTo(2);
        // The refused update left no event; the accepted one is there once.
        assertThat(count(db, "SELECT count(*) FROM job_events WHERE data LIKE '%lost?%'")).isZero();
        assertThat(count(db, "SELECT count(*) FROM job_events WHERE type = 'token' AND data LIKE '%kept %'")).isEqualTo(1);
    }

    @Test
    void aReadOnlyDataFolderStopsTheStartWithAClearErrorAndLeavesTheDatabaseAsItWas(@TempDir Path dir) throws Exception {
        Path data = smallFileSystem(dir, "32m");
        Path log = dir.resolve("service.log");
        String id;
        try (ServiceProcess service = ServiceProcess.logging(data, log).start()) {
            Http http = new Http(service.base());
            id = http.multipart("/api/jobs", Http.form("prompt", "before")).json().get("job_id").asString();
            service.kill(); // a crash: the write-ahead log is left for the next start to recover
        }
        // A read-only remount needs no file open for writing, so it happens between runs (as after a disk error).
        assertThat(run("mount", "-o", "remount,ro", data.toString())).isZero();
        byte[] database = Files.readAllBytes(data.resolve("mondrian.db"));
        ServiceProcess refused = ServiceProcess.logging(data, log);
        assertThatThrownBy(refused::start).hasMessageContaining("service exited");
        assertThat(Files.readString(log)).contains("is read-only; Mondrian keeps its database there");
        assertThat(Files.readAllBytes(data.resolve("mondrian.db"))).isEqualTo(database);

        assertThat(run("mount", "-o", "remount,rw", data.toString())).isZero();
        try (ServiceProcess service = ServiceProcess.logging(data, log).start()) {
            Http http = new Http(service.base());
            assertThat(http.get("/api/jobs/" + id).json().get("status").asString()).isEqualTo("queued");
            assertThat(http.multipart("/api/jobs", Http.form("prompt", "after")).status()).isEqualTo(201);
        }
        assertThat(integrity(data.resolve("mondrian.db"))).isEqualTo("ok");
    }
}
