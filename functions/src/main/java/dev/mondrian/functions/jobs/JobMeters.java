package dev.mondrian.functions.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The job lifecycle as this instance committed it: claims ({@code mondrian.jobs.started}), endings
 * ({@code mondrian.jobs.finished} by status) and lapsed leases ({@code mondrian.leases.expired} by what became of
 * the job). Every counter exists from the start, so a rate over a quiet period reads 0, not "no data".
 */
@Component
public class JobMeters {
    /** What a lapsed lease did to its job. */
    public enum Expiry { REQUEUED, FAILED }

    private final Counter started;
    private final Map<JobStatus, Counter> finished = new EnumMap<>(JobStatus.class);
    private final Map<Expiry, Counter> expired = new EnumMap<>(Expiry.class);

    public JobMeters(MeterRegistry registry) {
        this.started = Counter.builder("mondrian.jobs.started")
                .description("Claims: a runner took a job (a job run again after a lost lease counts again)")
                .register(registry);
        for (JobStatus status : JobStatus.values()) {
            if (status.isFinal()) {
                finished.put(status, Counter.builder("mondrian.jobs.finished").tag("status", status.wire())
                        .description("Jobs that reached a final status").register(registry));
            }
        }
        for (Expiry expiry : Expiry.values()) {
            expired.put(expiry, Counter.builder("mondrian.leases.expired").tag("outcome", wire(expiry))
                    .description("Leases a runner stopped renewing: the job went back to the queue, or failed "
                            + "when it had used up its attempts")
                    .register(registry));
        }
    }

    public void started() {
        started.increment();
    }

    /** @param status a final status */
    public void finished(JobStatus status) {
        finished.get(status).increment();
    }

    public void leaseExpired(Expiry expiry) {
        expired.get(expiry).increment();
    }

    private static String wire(Expiry expiry) {
        return expiry.name().toLowerCase(Locale.ROOT);
    }
}
