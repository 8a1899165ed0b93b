package dev.mondrian.functions.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.mondrian.functions.metrics.EventMeters;
import dev.mondrian.functions.store.Dialect;
import dev.mondrian.functions.store.OneJobDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The SQLite journal: many callers' writes share commits, yet each caller gets exactly its own outcome. */
class GroupCommitTest {
    private Jdbi jdbi;
    private Journal journal;
    private final List<JobEvent> published = new CopyOnWriteArrayList<>();
    private final AtomicBoolean refuseNextCommit = new AtomicBoolean();
    private HikariDataSource pool;

    @BeforeEach
    void database(@TempDir Path dir) {
        OneJobDatabase.create(dir);
        // Pooled as the service's is, so a test can see the writer hand its connection back.
        pool = new HikariDataSource();
        pool.setJdbcUrl("jdbc:sqlite:" + dir.resolve("events.db"));
        pool.setMaximumPoolSize(2);
        jdbi = Jdbi.create(pool);
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

            @Override
            public void beforeCommit(Handle handle, List<JobEvent> events) {
                if (refuseNextCommit.getAndSet(false)) {
                    throw new IllegalStateException("the hub refused the commit");
                }
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

    @AfterEach
    void closePool() {
        pool.close();
    }

    @Test
    void aBatchThatFailsToCommitLeavesNothingAndTheNextOneCommits() throws Exception {
        refuseNextCommit.set(true);
        assertThatThrownBy(() -> journal.run(tx -> {
            tx.record("job", new EventPayload.Token("lost"));
            return 0;
        })).hasMessageContaining("refused the commit");
        long seq = journal.run(tx -> {
            tx.record("job", new EventPayload.Token("kept"));
            return tx.handle().createQuery("SELECT last_seq FROM jobs WHERE id = 'job'").mapTo(Long.class).one();
        });
        assertThat(seq).isEqualTo(1);
        List<String> stored = jdbi.withHandle(h -> h.createQuery("SELECT data FROM job_events").mapTo(String.class).list());
        assertThat(stored).singleElement().asString().contains("kept");
        journal.destroy();
    }

    @Test
    void theWriterHandsItsConnectionBackOnceIdle() throws Exception {
        journal.run(tx -> {
            tx.record("job", new EventPayload.Token("t"));
            return 0;
        });
        // Kept for the next batch a moment, then returned: a pool drained for shutdown must not wait on it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pool.getHikariPoolMXBean().getActiveConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
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
