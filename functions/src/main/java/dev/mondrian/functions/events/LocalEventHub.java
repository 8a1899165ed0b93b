package dev.mondrian.functions.events;

import dev.mondrian.functions.MondrianProperties;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** In-process fan-out: enough for one functions instance (the embedded default), and each instance's part of a shared hub. */
public class LocalEventHub implements EventHub {
    private static final Logger log = LoggerFactory.getLogger(LocalEventHub.class);

    private final Map<String, Set<Subscription>> subscribers = new ConcurrentHashMap<>();
    private final AllJobsListeners allJobs = new AllJobsListeners();
    private final int bufferSize;
    private final Runnable onDrop;

    /** @param onDrop told of every subscriber dropped for falling behind (metrics) */
    public LocalEventHub(MondrianProperties properties, Runnable onDrop) {
        this.bufferSize = properties.subscriberBuffer();
        this.onDrop = onDrop;
    }

    @Override
    public Subscription subscribe(String jobId) {
        Set<Subscription> set = subscribers.computeIfAbsent(jobId, id -> ConcurrentHashMap.newKeySet());
        Subscription[] self = new Subscription[1];
        self[0] = new Subscription(jobId, bufferSize, () -> remove(jobId, self[0]));
        set.add(self[0]);
        return self[0];
    }

    @Override
    public JobChangeListener.Registration listenToAll(JobChangeListener listener) {
        return allJobs.add(listener);
    }

    @Override
    public void publish(List<JobEvent> events) {
        allJobs.changed(events);
        for (JobEvent event : events) {
            Set<Subscription> set = subscribers.get(event.jobId());
            if (set == null) {
                continue;
            }
            for (Subscription subscription : set) {
                if (!subscription.offer(event)) {
                    set.remove(subscription);
                    onDrop.run();
                    log.warn("dropped a slow subscriber of job {} at seq {}", event.jobId(), event.seq());
                }
            }
        }
    }

    /** Another instance recorded events of a job no stream here watches: only the all-jobs listeners care. */
    void changedElsewhere(String jobId) {
        allJobs.changed(jobId);
    }

    /** Other instances' events may have gone unheard. */
    void missedOtherInstances() {
        allJobs.resync();
    }

    /** The jobs this instance has subscribers for, now. */
    Set<String> watchedJobs() {
        return Set.copyOf(subscribers.keySet());
    }

    boolean watching(String jobId) {
        return subscribers.containsKey(jobId);
    }

    private void remove(String jobId, Subscription subscription) {
        subscribers.computeIfPresent(jobId, (id, set) -> {
            set.remove(subscription);
            return set.isEmpty() ? null : set;
        });
    }
}
