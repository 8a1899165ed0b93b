package dev.mondrian.functions.events;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link JobChangeListener}s of one instance; kept apart from the per-job subscriptions, which it never touches. */
final class AllJobsListeners {
    private static final Logger log = LoggerFactory.getLogger(AllJobsListeners.class);

    private final Set<JobChangeListener> listeners = new CopyOnWriteArraySet<>();

    JobChangeListener.Registration add(JobChangeListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Each job of the events once, in the order they first appear. */
    void changed(List<JobEvent> events) {
        if (listeners.isEmpty()) {
            return;
        }
        Set<String> jobs = new LinkedHashSet<>();
        events.forEach(event -> jobs.add(event.jobId()));
        jobs.forEach(this::changed);
    }

    void changed(String jobId) {
        for (JobChangeListener listener : listeners) {
            // A listener's mistake must not fail the request whose events were already committed.
            try {
                listener.changed(jobId);
            } catch (RuntimeException e) {
                log.warn("a job change listener failed on job {}", jobId, e);
            }
        }
    }

    void resync() {
        for (JobChangeListener listener : listeners) {
            try {
                listener.resync();
            } catch (RuntimeException e) {
                log.warn("a job change listener failed to resync", e);
            }
        }
    }
}
