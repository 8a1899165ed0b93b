package dev.mondrian.functions.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mondrian.functions.metrics.EventMeters;
import dev.mondrian.functions.store.Dialect;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The SQLite journal: many callers' writes share commits, yet each caller gets exactly its own outcome. */
class GroupCommitTest {
    private Jdbi jdbi;
    private Journal journal;
    private final List<JobEvent> published = new CopyOnWriteArrayList<>();

    @BeforeEach
    void database(@TempDir Path dir) {
        jdbi = OneJobDatabase.create(dir);
        EventHub hub = new EventHub() {
            @Override
            public Subscription subscribe(String jobId) {
                throw new UnsupportedOperationException();
            }

            @Override
            public JobChangeListener.Registration listenToAll(JobChangeListener listener) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void publish(List<JobEvent> events) {
                // Published only once committed: the log already holds every one of them.
                for (JobEvent event : events) {
                    int stored = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM job_events WHERE seq = :seq")
                            .bind("seq", event.seq()).mapTo(Integer.class).one());
                    assertThat(stored).isEqualTo(1);
                }
                published.addAll(events);
            }
        };
        journal = new Journal(jdbi, new EventLog(jdbi, JsonMapper.builder().build()), hub,
                new EventMeters(new SimpleMeterRegistry()), Dialect.SQLITE, List.of());
    }

    @Test
    void concurrentWritesAllCommitAndAFailingOneIsRolledBackAlone() throws Exception {
        List<Future<Long>> results = new ArrayList<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 400; i++) {
                boolean fails = i % 50 == 7;
                results.add(callers.submit(() -> {
                    try {
                        return journal.run(tx -> {
                            tx.record("job", new EventPayload.Token("t"));
                            tx.handle().execute("UPDATE jobs SET tokens = tokens + 1 WHERE id = 'job'");
                            if (fails) {
                                throw new IllegalArgumentException("refused");
                            }
                            return tx.handle().createQuery("SELECT last_seq FROM jobs WHERE id = 'job'")
                                    .mapTo(Long.class).one();
                        });
                    } catch (IllegalArgumentException e) {
                        failures.add(e);
                        return -1L;
                    }
                }));
            }
        }
        List<Long> seqs = new ArrayList<>();
        for (Future<Long> result : results) {
            if (result.get() > 0) {
                seqs.add(result.get());
            }
        }
        assertThat(failures).hasSize(8).allMatch(e -> e.getMessage().equals("refused"));
        // Each caller saw its own write, numbered in the order the writes ran; the refused ones left nothing.
        assertThat(seqs).hasSize(392).doesNotHaveDuplicates();
        assertThat(seqs.stream().sorted().toList()).isEqualTo(java.util.stream.LongStream.rangeClosed(1, 392).boxed().toList());
        long tokens = jdbi.withHandle(h -> h.createQuery("SELECT tokens FROM jobs WHERE id = 'job'").mapTo(Long.class).one());
        assertThat(tokens).isEqualTo(392);
        assertThat(published).extracting(JobEvent::seq).isEqualTo(seqs.stream().sorted().toList());
        journal.destroy();
    }

    @Test
    void aWriteInsideAnotherIsRefusedInsteadOfWaitingForItself() throws Exception {
        assertThatThrownBy(() -> journal.run(tx -> journal.run(inner -> 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("wait for itself");
        int after = journal.run(tx -> 2);
        assertThat(after).isEqualTo(2);
        journal.destroy();
    }
}
