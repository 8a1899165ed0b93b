package dev.mondrian.functions.events;

import dev.mondrian.functions.store.StatementCache;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One writer thread for a single-writer database: callers queue their work and wait; the thread takes
 * everything queued (up to {@link #MAX_BATCH}), runs each piece under a savepoint of one transaction and
 * commits once. A piece that throws is rolled back to its savepoint alone and its caller gets the exception;
 * the others commit. Every caller returns only after the commit that holds its work, and events are
 * published after that commit in the order the work ran, so nothing a caller was told is lost and no
 * subscriber sees an event the log might lose.
 */
final class GroupCommit implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    /** Bounds how long the first caller of a batch waits behind the others. */
    private static final int MAX_BATCH = 256;
    /** How long the writer keeps its connection with nothing to write; the pool drains for shutdown meanwhile. */
    private static final long IDLE_MS = 250;

    private final Jdbi jdbi;
    private final EventHub hub;
    private final Function<Handle, Journal.Tx> transactions;
    private final BiConsumer<List<JobEvent>, List<Runnable>> committed;
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    /** Only the writer thread touches it. */
    private Handle handle;
    private volatile boolean closed;

    /** @param committed what follows a commit: its events (in order) and the after-commit actions of its work */
    GroupCommit(Jdbi jdbi, EventHub hub, Function<Handle, Journal.Tx> transactions,
                BiConsumer<List<JobEvent>, List<Runnable>> committed) {
        this.jdbi = jdbi;
        this.hub = hub;
        this.transactions = transactions;
        this.committed = committed;
        this.writer = Thread.ofPlatform().name("database-writer").daemon().start(this::write);
    }

    <T> T run(Journal.Work<T> work) {
        if (Thread.currentThread() == writer) {
            throw new IllegalStateException("a journal write inside another would wait for itself");
        }
        if (closed) {
            throw new IllegalStateException("the service is shutting down");
        }
        Pending<T> pending = new Pending<>(work, MDC.getCopyOfContextMap());
        queue.add(pending);
        try {
            return pending.result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private void write() {
        List<Pending<?>> batch = new ArrayList<>(MAX_BATCH);
        while (!closed || !queue.isEmpty()) {
            Pending<?> first;
            try {
                first = queue.poll(IDLE_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue; // close() interrupts a writer waiting on an empty queue; the loop checks why
            }
            if (first == null) {
                releaseHandle();
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            commit(batch);
            batch.clear();
        }
        releaseHandle();
    }

    private void commit(List<Pending<?>> batch) {
        List<JobEvent> events = new ArrayList<>();
        List<Runnable> afterCommit = new ArrayList<>();
        try {
            Handle h = handle();
            h.begin();
            for (Pending<?> pending : batch) {
                pending.runIn(h, transactions.apply(h));
                events.addAll(pending.recorded);
                afterCommit.addAll(pending.afterCommit);
            }
            if (!events.isEmpty()) {
                hub.beforeCommit(h, events);
            }
            h.commit();
        } catch (RuntimeException | SQLException e) {
            log.error("a batch of {} database writes failed to commit", batch.size(), e);
            releaseHandle();
            batch.forEach(pending -> pending.result.completeExceptionally(e));
            return;
        }
        try {
            committed.accept(events, afterCommit);
        } catch (RuntimeException e) {
            log.error("after committing {} events: {}; streams catch up from the log", events.size(), e.toString(), e);
        }
        batch.forEach(Pending::complete);
    }

    /**
     * The writer's connection, kept across batches while work keeps coming so that its prepared statements are
     * reused ({@link StatementCache}); handed back to the pool once the writer has been idle for {@link #IDLE_MS}.
     */
    private Handle handle() {
        if (handle == null) {
            handle = StatementCache.install(jdbi.open());
        }
        return handle;
    }

    /**
     * Hands the connection back: when idle, and after a failed batch, whose transaction state is not to be trusted
     * (a transaction still open is rolled back). A failure to close is logged, not thrown: the writer goes on with
     * a fresh connection.
     */
    private void releaseHandle() {
        Handle h = handle;
        handle = null;
        if (h == null) {
            return;
        }
        try {
            if (h.isInTransaction()) {
                h.rollback();
            }
            h.close();
        } catch (RuntimeException e) {
            log.warn("closing the writer's connection: {}", e.toString());
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        writer.interrupt();
        writer.join(10_000);
    }

    /** One caller's work, its outcome held until the batch commits. */
    private static final class Pending<T> {
        final Journal.Work<T> work;
        final Map<String, String> logContext;
        final CompletableFuture<T> result = new CompletableFuture<>();
        List<JobEvent> recorded = List.of();
        List<Runnable> afterCommit = List.of();
        T value;
        Throwable failure;

        Pending(Journal.Work<T> work, Map<String, String> logContext) {
            this.work = work;
            this.logContext = logContext;
        }

        void runIn(Handle h, Journal.Tx tx) throws SQLException {
            // The caller's log context (its job id), so lines written for it here still say which job.
            if (logContext != null) {
                MDC.setContextMap(logContext);
            }
            Connection connection = h.getConnection();
            Savepoint savepoint = connection.setSavepoint();
            try {
                value = work.run(tx);
                recorded = tx.recorded();
                afterCommit = tx.afterCommitActions();
            } catch (RuntimeException | Error e) {
                connection.rollback(savepoint);
                failure = e;
            } finally {
                connection.releaseSavepoint(savepoint);
                MDC.clear();
            }
        }

        void complete() {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(value);
            }
        }
    }
}
