package dev.mondrian.functions.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.store.OneJobDatabase;
import dev.mondrian.functions.support.TestProperties;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** A stream without a thread of its own: every event once and in order, one writer at a time, and a clean end. */
class DeliveryTest {
    private final ExecutorService drains = Executors.newVirtualThreadPerTaskExecutor();
    private Jdbi jdbi;
    private EventLog log;
    private LocalEventHub hub;

    /** Records what reaches the client, and fails the test's assertions if two threads ever write at once. */
    static final class RecordingSink implements EventSink {
        final List<Long> seqs = new CopyOnWriteArrayList<>();
        final AtomicInteger writers = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        final AtomicInteger keepAlives = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        final CountDownLatch closed = new CountDownLatch(1);
        volatile boolean broken;

        @Override
        public void send(JobEvent event) throws IOException {
            if (writers.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            try {
                if (broken) {
                    throw new IOException("connection reset");
                }
                Thread.yield();
                seqs.add(event.seq());
            } finally {
                writers.decrementAndGet();
            }
        }

        @Override
        public void keepAlive() {
            keepAlives.incrementAndGet();
        }

        @Override
        public void close() {
            closes.incrementAndGet();
            closed.countDown();
        }
    }

    @BeforeEach
    void database(@TempDir Path dir) {
        jdbi = OneJobDatabase.create(dir);
        log = new EventLog(jdbi, JsonMapper.builder().build());
        hub = new LocalEventHub(TestProperties.with("", 10_000), () -> {});
    }

    @AfterEach
    void stop() {
        drains.close();
    }

    /** Commits (one writer at a time, as SQLite wants) and publishes after the commit, like the journal does. */
    private void record(EventPayload payload) {
        List<JobEvent> events;
        synchronized (this) {
            events = jdbi.inTransaction(h -> log.append(h, "job", List.of(payload), 1));
        }
        hub.publish(events); // concurrently with other publishers, so streams see events out of order too
    }

    private Delivery start(long after, RecordingSink sink, Runnable onEnd) {
        return start(after, sink, null, onEnd);
    }

    private Delivery start(long after, RecordingSink sink, java.util.function.BooleanSupplier mayRead, Runnable onEnd) {
        Delivery delivery = new Delivery("job", after, log, hub, sink, mayRead, drains, onEnd);
        delivery.signal();
        return delivery;
    }

    @Test
    void replaysThenStreamsLiveFromManyPublishersOneWriteAtATimeAndEndsAfterDone() throws Exception {
        for (int i = 0; i < 5; i++) {
            record(new EventPayload.Token("before " + i));
        }
        RecordingSink sink = new RecordingSink();
        AtomicInteger ends = new AtomicInteger();
        start(2, sink, ends::incrementAndGet);
        // Four publishers at once: events arrive on different threads, each signalling the stream.
        try (ExecutorService publishers = Executors.newFixedThreadPool(4)) {
            for (int p = 0; p < 4; p++) {
                publishers.execute(() -> {
                    for (int i = 0; i < 100; i++) {
                        record(new EventPayload.Token("live"));
                    }
                });
            }
        }
        record(new EventPayload.Done("completed"));
        assertThat(sink.closed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sink.seqs).hasSize(404).isSorted().doesNotHaveDuplicates();
        assertThat(sink.seqs.getFirst()).isEqualTo(3);
        assertThat(sink.seqs.getLast()).isEqualTo(406);
        assertThat(sink.overlaps).hasValue(0);
        assertThat(sink.closes).hasValue(1);
        assertThat(ends).hasValue(1);
        assertThat(hub.watching("job")).isFalse();
    }

    @Test
    void sendsAKeepAliveOnlyWhenIdleSinceTheGivenTime() throws Exception {
        RecordingSink sink = new RecordingSink();
        Delivery delivery = start(0, sink, () -> {});
        delivery.tick(System.nanoTime() - 60_000_000_000L); // it wrote nothing, but started since
        delivery.tick(System.nanoTime());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (sink.keepAlives.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        delivery.tick(System.nanoTime() - 60_000_000_000L); // it has just written the keep-alive
        delivery.cancel();
        assertThat(sink.closed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sink.keepAlives).hasValue(1);
    }

    /** A revoked client key: the next tick asks again, hears no, and ends the stream, whether idle or not. */
    @Test
    void aStreamWhoseReaderMayNoLongerReadEndsAtTheNextTick() throws Exception {
        RecordingSink sink = new RecordingSink();
        AtomicInteger asked = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean allowed = new java.util.concurrent.atomic.AtomicBoolean(true);
        Delivery delivery = start(0, sink, () -> {
            asked.incrementAndGet();
            return allowed.get();
        }, () -> {});
        record(new EventPayload.Token("a"));
        delivery.tick(System.nanoTime() - 60_000_000_000L);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (asked.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(sink.closed.getCount()).as("still allowed: still open").isEqualTo(1);
        allowed.set(false);
        delivery.tick(System.nanoTime() - 60_000_000_000L);
        assertThat(sink.closed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(hub.watching("job")).isFalse();
    }

    @Test
    void aClientThatGoesAwayEndsTheStreamAndItsSubscription() throws Exception {
        RecordingSink sink = new RecordingSink();
        start(0, sink, () -> {});
        record(new EventPayload.Token("a"));
        sink.broken = true;
        record(new EventPayload.Token("b"));
        assertThat(sink.closed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(hub.watching("job")).isFalse();
        record(new EventPayload.Token("c"));
        assertThat(sink.closes).hasValue(1);
    }
}
