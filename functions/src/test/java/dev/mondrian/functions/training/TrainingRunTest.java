package dev.mondrian.functions.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT cache's training workload, as {@code ./mondrian} runs it: the service plays clients and a runner through
 * its own API for the time given, then exits by itself, every job it made completed and streamed.
 */
class TrainingRunTest {

    @Test
    void theServiceTrainsOnItsOwnRequestsAndExits(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("service.log");
        Process service = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.mondrian.functions.MondrianApplication", "--server.port=0", "--server.address=127.0.0.1",
                "--mondrian.data-dir=" + dir.resolve("data"), "--mondrian.runner-token=training-token",
                "--mondrian.training-run=2s"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean exited = service.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            service.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(exited).as("exited by itself; output:%n%s", output).isTrue();
        assertThat(service.exitValue()).as("exit status; output:%n%s", output).isZero();
        assertThat(output).containsPattern("training run: \\d+ rounds of 16 jobs");

        Jdbi db = Jdbi.create("jdbc:sqlite:" + dir.resolve("data").resolve("mondrian.db"));
        List<String> statuses = db.withHandle(h -> h.createQuery("SELECT DISTINCT status FROM jobs")
                .mapTo(String.class).list());
        int jobs = db.withHandle(h -> h.createQuery("SELECT count(*) FROM jobs").mapTo(Integer.class).one());
        int tokens = db.withHandle(h -> h.createQuery("SELECT count(*) FROM job_events WHERE type = 'token'")
                .mapTo(Integer.class).one());
        assertThat(statuses).containsExactly("completed");
        assertThat(jobs).isPositive().isEqualTo(jobs / 16 * 16);
        assertThat(tokens).isEqualTo(jobs * 60);
        int photos = db.withHandle(h -> h.createQuery("SELECT count(*) FROM jobs WHERE image_id IS NOT NULL")
                .mapTo(Integer.class).one());
        assertThat(photos).isEqualTo(jobs / 2);
    }
}
