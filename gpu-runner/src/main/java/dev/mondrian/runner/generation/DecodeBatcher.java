package dev.mondrian.runner.generation;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.mondrian.runner.model.Adapter;
import dev.mondrian.runner.model.KvCache;
import dev.mondrian.runner.model.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Continuous batching. Decoding reads every weight once per step, whether for one sequence or for
 * several, so the decode steps of every stream that is waiting for its next token run together as
 * one forward pass ({@link Model#step}) on this batcher's thread. A stream joins once its prompt is
 * prefilled (on its own thread, beside the running batch: prefill is not chunked, so a newcomer's
 * prompt shares the cores with the others' steps rather than stopping them) and leaves when it
 * ends or is cancelled; each step takes whoever is waiting, so joining and leaving need no pause.
 */
public final class DecodeBatcher implements AutoCloseable {
    /**
     * How long a step waits for streams that are still sampling their last token before it runs
     * without them: far below a step's time, long enough for a sampler over a large vocabulary.
     */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(3);

    private record Waiting(KvCache cache, Adapter adapter, long token, CompletableFuture<float[]> logits) {}

    private final Model model;
    private final long gatherNanos;
    private final NDManager scratch;
    private final List<Waiting> waiting = new ArrayList<>();
    private final Thread thread;
    private int joined;
    private boolean closed;
    private long steps;
    private long stepped;

    public DecodeBatcher(Model model) {
        this(model, GATHER_NANOS);
    }

    /**
     * With another gather window: a test takes a long one, so that on a busy machine every joined stream still makes
     * each step and what it checks is joining and leaving, not timing.
     */
    DecodeBatcher(Model model, long gatherNanos) {
        this.model = model;
        this.gatherNanos = gatherNanos;
        this.scratch = model.manager().newSubManager();
        this.thread = Thread.ofPlatform().name("decode-batcher").daemon().start(this::loop);
    }

    /** A stream's prompt is in its cache: from now on its steps are batched with the others'. */
    synchronized void join() {
        joined++;
    }

    /** A stream ended: the next steps no longer wait for it. */
    synchronized void leave() {
        joined--;
        notifyAll();
    }

    /**
     * The logits after {@code token}, decoded in the same forward pass as every other waiting stream's,
     * through the stream's adapter (null: none).
     */
    float[] step(KvCache cache, Adapter adapter, long token) {
        Waiting request = new Waiting(cache, adapter, token, new CompletableFuture<>());
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the decode batcher is closed");
            }
            waiting.add(request);
            notifyAll();
        }
        try {
            return request.logits().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Sequences per step, on average since the start: how much batching the load allowed. */
    public synchronized double meanBatch() {
        return steps == 0 ? 0 : (double) stepped / steps;
    }

    private void loop() {
        while (true) {
            List<Waiting> batch = nextBatch();
            if (batch == null) {
                return;
            }
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                float[] all = model.step(scratch, batch.stream().mapToLong(Waiting::token).toArray(),
                        batch.stream().map(Waiting::cache).toList(),
                        batch.stream().map(Waiting::adapter).collect(Collectors.toList())).toFloatArray();
                int vocab = all.length / batch.size();
                for (int i = 0; i < batch.size(); i++) {
                    float[] row = new float[vocab];
                    System.arraycopy(all, i * vocab, row, 0, vocab);
                    batch.get(i).logits().complete(row);
                }
            } catch (RuntimeException e) {
                batch.forEach(w -> w.logits().completeExceptionally(e));
            }
        }
    }

    /** Waits for a first stream, then up to the gather window for every other joined one; null once closed. */
    private synchronized List<Waiting> nextBatch() {
        try {
            while (waiting.isEmpty() && !closed) {
                wait();
            }
            long deadline = System.nanoTime() + gatherNanos;
            while (!closed && waiting.size() < joined && System.nanoTime() < deadline) {
                TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, deadline - System.nanoTime()));
            }
        } catch (InterruptedException e) {
            closed = true;
        }
        if (closed) {
            waiting.forEach(w -> w.logits().completeExceptionally(new IllegalStateException("the decode batcher closed")));
            waiting.clear();
            return null;
        }
        List<Waiting> batch = List.copyOf(waiting);
        waiting.clear();
        steps++;
        stepped += batch.size();
        return batch;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scratch.close();
    }
}
