package dev.mondrian.functions.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The load harness at a small scale, with its crash: SSE and WebSocket clients, runners posting, the service
 * SIGKILLed halfway and started again. Every client still sees its job's {@code done} with no gap and no
 * duplicate across its reconnections, and every job's log holds exactly the updates runners were told were
 * accepted. (The harness at full scale is {@code ./mondrian load}; its numbers are in docs/BENCHMARKS.md.)
 */
class LoadHarnessTest {
    @Test
    void clientsAndTheLogLoseNothingWhenTheServiceIsKilledUnderLoad() throws Exception {
        List<String> launch = List.of("-cp", System.getProperty("java.class.path"),
                "dev.mondrian.functions.MondrianApplication");
        LoadGenerator.Report report = new LoadGenerator().run(launch, 120, 12, 60, 8, 40, LoadGenerator.Mode.CRASH);
        assertThat(report.sawDone()).isEqualTo(report.clients());
        assertThat(report.gaps()).isZero();
        assertThat(report.duplicates()).isZero();
        assertThat(report.accepted()).isGreaterThan(200);
        assertThat(report.jobsMissing()).isZero();
        assertThat(report.jobsDiffering()).isZero();
    }
}
