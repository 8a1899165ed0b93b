package dev.mondrian.functions.jobs;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * {@code mondrian.jobs}: jobs waiting for a runner and jobs running, counted in the database when scraped, so every
 * instance reports the whole queue. Final statuses are not counted here (a scan that grows with history): the
 * {@link JobMeters} counters cover them.
 */
@Component
class QueueDepth implements MeterBinder {
    private final JobRepository jobs;

    QueueDepth(JobRepository jobs) {
        this.jobs = jobs;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (JobStatus status : List.of(JobStatus.QUEUED, JobStatus.RUNNING)) {
            Gauge.builder("mondrian.jobs", () -> jobs.countWithStatus(status)).tag("status", status.wire())
                    .description("Jobs in this status now, in the database").register(registry);
        }
    }
}
