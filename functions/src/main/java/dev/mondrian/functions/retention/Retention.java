package dev.mondrian.functions.retention;

import dev.mondrian.functions.MondrianProperties;
import dev.mondrian.functions.events.Journal;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Deletes what is kept of jobs that ended more than {@code mondrian.retention} ago: the job itself, its photo, its
 * analysis, its events, its webhook and deliveries. Jobs still queued or running are never touched. A few hundred
 * jobs per transaction, so a backlog never holds the database long.
 */
@Component
public class Retention {
    private static final Logger log = LoggerFactory.getLogger(Retention.class);
    private static final int BATCH = 200;

    private final Journal journal;
    private final Duration keep;

    Retention(Journal journal, MondrianProperties properties) {
        this.journal = journal;
        this.keep = properties.retention();
    }

    boolean enabled() {
        return !keep.isZero() && !keep.isNegative();
    }

    /** How often to look: often enough that nothing outstays its time by more than a quarter of it (or a minute). */
    Duration every() {
        Duration quarter = keep.dividedBy(4);
        return quarter.compareTo(Duration.ofMinutes(1)) < 0 ? quarter : Duration.ofMinutes(1);
    }

    /** Deletes every job past its time; how many. */
    public int sweep() {
        if (!enabled()) {
            return 0;
        }
        int deleted = 0;
        for (int batch = deleteBatch(); batch > 0; batch = deleteBatch()) {
            deleted += batch;
        }
        if (deleted > 0) {
            log.info("retention: deleted {} jobs that ended more than {} ago", deleted, keep);
        }
        return deleted;
    }

    private int deleteBatch() {
        return journal.run(tx -> {
            var h = tx.handle();
            List<String> ids = h.createQuery("SELECT id FROM jobs WHERE finished_at IS NOT NULL AND finished_at < :cutoff "
                            + "AND status IN ('completed', 'failed', 'cancelled') ORDER BY finished_at LIMIT :batch")
                    .bind("cutoff", tx.now() - keep.toMillis()).bind("batch", BATCH).mapTo(String.class).list();
            if (ids.isEmpty()) {
                return 0;
            }
            List<String> images = h.createQuery("SELECT image_id FROM jobs WHERE id IN (<ids>) AND image_id IS NOT NULL")
                    .bindList("ids", ids).mapTo(String.class).list();
            for (String sql : List.of(
                    "DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE job_id IN (<ids>))",
                    "DELETE FROM webhook_deliveries WHERE job_id IN (<ids>)",
                    "DELETE FROM webhooks WHERE job_id IN (<ids>)",
                    "DELETE FROM websocket_connections WHERE job_id IN (<ids>)",
                    "DELETE FROM job_events WHERE job_id IN (<ids>)",
                    "DELETE FROM jobs WHERE id IN (<ids>)")) {
                h.createUpdate(sql).bindList("ids", ids).execute();
            }
            if (!images.isEmpty()) {
                h.createUpdate("DELETE FROM images WHERE id IN (<ids>)").bindList("ids", images).execute();
            }
            return ids.size();
        });
    }
}
