package dev.mondrian.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
    @Test
    void theLineSaysHowMuchIsDoneHowFastAndHowLongIsLeftAtThatRate() {
        assertThat(ProgressLine.line("loading model", 1200, 14000, "MB", 3))
                .isEqualTo("loading model: 1200/14000 MB (8.6%), 400 MB/s, 0:00:03 elapsed, 0:00:32 left");
        assertThat(ProgressLine.line("runs", 2, 6, "runs", 40))
                .isEqualTo("runs: 2/6 runs (33.3%), 0.05 runs/s, 0:00:40 elapsed, 0:01:20 left");
        assertThat(ProgressLine.line("vision step", 250, 5000, "steps", 3725.4))
                .isEqualTo("vision step: 250/5000 steps (5.0%), 0.07 steps/s, 1:02:05 elapsed, 19:39:43 left");
    }

    @Test
    void nothingDoneYetLeavesTheTimeLeftUnknownAndAllDoneLeavesNone() {
        assertThat(ProgressLine.line("photos", 0, 200, "photos", 6))
                .isEqualTo("photos: 0/200 photos (0.0%), 0.00 photos/s, 0:00:06 elapsed, ? left");
        assertThat(ProgressLine.secondsLeft(200, 200, 80)).isZero();
        assertThat(ProgressLine.secondsLeft(50, 200, 10)).isEqualTo(30);
        assertThat(ProgressLine.clock(Double.NaN)).isEqualTo("?");
    }

    @Test
    void aMeterPrintsEveryIntervalUntilClosed() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (ProgressLine meter = new ProgressLine("writing", 4_000_000, "MB", 1_000_000, null, Duration.ofMillis(50),
                lines::add)) {
            meter.add(1_000_000);
            while (lines.isEmpty()) {
                Thread.sleep(10);
            }
        }
        assertThat(lines.getFirst()).startsWith("writing: 1/4 MB (25.0%), ");
        int printed = lines.size();
        Thread.sleep(200);
        assertThat(lines).as("nothing after close").hasSize(printed);
    }

    @Test
    void aLineCanFollowACounterTheWorkKeeps() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        AtomicLong claimed = new AtomicLong(3);
        try (ProgressLine meter = new ProgressLine("claiming jobs", 12, "jobs", 1, claimed::get, Duration.ofMillis(50),
                lines::add)) {
            while (lines.isEmpty()) {
                Thread.sleep(10);
            }
        }
        assertThat(lines.getFirst()).startsWith("claiming jobs: 3/12 jobs (25.0%), ");
    }
}
