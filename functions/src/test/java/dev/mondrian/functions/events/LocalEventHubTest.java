package dev.mondrian.functions.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.mondrian.functions.support.TestProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LocalEventHubTest {
    private static final int BUFFER = 8;
    private final AtomicInteger drops = new AtomicInteger();

    private LocalEventHub hub() {
        return new LocalEventHub(TestProperties.with("", BUFFER),
                drops::incrementAndGet);
    }

    private static JobEvent event(String job, long seq) {
        return new JobEvent(job, seq, "token", "{\"seq\":" + seq + "}", seq);
    }

    @Test
    void aSlowSubscriberIsDroppedWhileTheOthersGetEveryEvent() throws Exception {
        LocalEventHub hub = hub();
        Subscription slow = hub.subscribe("job");
        Subscription fast = hub.subscribe("job");
        List<Long> received = new ArrayList<>();
        // The publisher must never wait for the slow subscriber: it would hang here if it did.
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (long seq = 1; seq <= 100; seq++) {
                hub.publish(List.of(event("job", seq)));
                JobEvent e = fast.poll();
                received.add(e.seq());
            }
        });
        assertThat(received).hasSize(100).isSorted().doesNotHaveDuplicates();
        assertThat(slow.overflowed()).isTrue();
        assertThat(fast.overflowed()).isFalse();
        assertThat(drops).as("subscribers dropped, told once each").hasValue(1);
        // What the slow one buffered before it overflowed is still in order, for a clean hand-over.
        List<Long> buffered = new ArrayList<>();
        for (JobEvent e; (e = slow.poll()) != null; ) {
            buffered.add(e.seq());
        }
        assertThat(buffered).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    }

    @Test
    void eventsReachOnlyTheSubscribersOfTheirJobAndStopAfterClose() throws Exception {
        LocalEventHub hub = hub();
        Subscription a = hub.subscribe("a");
        Subscription b = hub.subscribe("b");
        hub.publish(List.of(event("a", 1), event("b", 1), event("a", 2)));
        assertThat(a.poll().seq()).isEqualTo(1);
        assertThat(a.poll().seq()).isEqualTo(2);
        assertThat(b.poll().seq()).isEqualTo(1);
        assertThat(b.poll()).isNull();
        a.close();
        hub.publish(List.of(event("a", 3)));
        assertThat(a.poll()).isNull();
    }

    @Test
    void anAllJobsListenerHearsOfEachJobOncePerPublishUntilClosed() throws Exception {
        LocalEventHub hub = hub();
        List<String> heard = new ArrayList<>();
        Subscription a = hub.subscribe("a");
        JobChangeListener.Registration registration = hub.listenToAll(new JobChangeListener() {
            @Override
            public void changed(String jobId) {
                heard.add(jobId);
            }

            @Override
            public void resync() {
                heard.add("resync");
            }
        });
        hub.publish(List.of(event("a", 1), event("b", 1), event("a", 2)));
        hub.changedElsewhere("c");
        hub.missedOtherInstances();
        assertThat(heard).containsExactly("a", "b", "c", "resync");
        assertThat(a.poll().seq()).isEqualTo(1);
        registration.close();
        hub.publish(List.of(event("b", 2)));
        assertThat(heard).hasSize(4);
    }
}
