package dev.mondrian.functions.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
    @Test
    void theLineSaysHowMuchIsDoneHowFastAndHowLongIsLeftAtThatRate() {
        assertThat(ProgressLine.line("opening SSE clients", 4200, 10000, "clients", 5))
                .isEqualTo("opening SSE clients: 4200/10000 clients (42.0%), 840 clients/s, 0:00:05 elapsed, 0:00:07 left");
        assertThat(ProgressLine.line("creating jobs", 30, 1000, "jobs", 10))
                .isEqualTo("creating jobs: 30/1000 jobs (3.0%), 3.0 jobs/s, 0:00:10 elapsed, 0:05:23 left");
        assertThat(ProgressLine.line("waiting", 0, 10, "clients", 5))
                .isEqualTo("waiting: 0/10 clients (0.0%), 0.00 clients/s, 0:00:05 elapsed, ? left");
        assertThat(ProgressLine.secondsLeft(10, 10, 4)).isZero();
        assertThat(ProgressLine.clock(3725.4)).isEqualTo("1:02:05");
    }

    @Test
    void itReadsThePhasesCounterEveryIntervalUntilClosed() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        AtomicLong done = new AtomicLong(3);
        try (ProgressLine progress = new ProgressLine("claiming jobs", 12, "jobs", done::get, Duration.ofMillis(50),
                lines::add)) {
            while (lines.isEmpty()) {
                Thread.sleep(10);
            }
        }
        assertThat(lines.getFirst()).startsWith("claiming jobs: 3/12 jobs (25.0%), ");
        int printed = lines.size();
        Thread.sleep(200);
        assertThat(lines).as("nothing after close").hasSize(printed);
    }
}
