package dev.mondrian.functions.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.store.OneJobDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The stream's promise against a hub that delivers late, out of order and twice: every seq once, in order. */
class EventStreamTest {
    private Jdbi jdbi;
    private EventLog log;
    private final ManualHub hub = new ManualHub();

    /** Hands events to subscribers only when the test says, in whatever order it says. */
    static final class ManualHub implements EventHub {
        final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

        @Override
        public Subscription subscribe(String jobId) {
            Subscription s = new Subscription(jobId, 64, () -> {});
            subscriptions.add(s);
            return s;
        }

        @Override
        public JobChangeListener.Registration listenToAll(JobChangeListener listener) {
            throw new UnsupportedOperationException("streams of one job never listen to all");
        }

        @Override
        public void publish(List<JobEvent> events) {}

        void deliver(JobEvent event) {
            subscriptions.forEach(s -> s.offer(event));
        }
    }

    @BeforeEach
    void database(@TempDir Path dir) {
        jdbi = OneJobDatabase.create(dir);
        log = new EventLog(jdbi, JsonMapper.builder().build());
    }

    private List<JobEvent> record(String... texts) {
        return jdbi.inTransaction(h -> {
            List<EventPayload> payloads = new ArrayList<>();
            for (String t : texts) {
                payloads.add(new EventPayload.Token(t));
            }
            return log.append(h, "job", payloads, 1);
        });
    }

    private static List<Long> drain(EventStream stream, int n) throws Exception {
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Optional<JobEvent> e = stream.poll();
            seqs.add(e.orElseThrow(() -> new AssertionError("stream stalled after " + seqs)).seq());
        }
        return seqs;
    }

    @Test
    void replaysTheLogThenFillsGapsAndSkipsDuplicatesFromTheHub() throws Exception {
        record("a", "b");
        try (EventStream stream = new EventStream(log, hub, "job", 0)) {
            assertThat(drain(stream, 2)).containsExactly(1L, 2L);
            List<JobEvent> later = record("c", "d", "e");
            hub.deliver(later.get(2));
            hub.deliver(later.get(0));
            hub.deliver(later.get(0));
            hub.deliver(later.get(1));
            assertThat(drain(stream, 3)).containsExactly(3L, 4L, 5L);
            assertThat(stream.poll()).isEmpty();
        }
    }

    @Test
    void resumesAfterTheGivenSeq() throws Exception {
        record("a", "b", "c", "d");
        try (EventStream stream = new EventStream(log, hub, "job", 2)) {
            assertThat(drain(stream, 2)).containsExactly(3L, 4L);
            assertThat(stream.lastSeq()).isEqualTo(4);
        }
    }
}
