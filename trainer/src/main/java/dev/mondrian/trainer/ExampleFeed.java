package dev.mondrian.trainer;

import dev.mondrian.trainer.data.TrainingExamples;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Training examples in index order, drawn ahead on worker threads: rendering a photo costs about as much
 * as a third of a training step, and the trainer need not wait for it. Every example depends on its index
 * alone, so the order and content are the same whatever the threads do.
 */
final class ExampleFeed implements AutoCloseable {
    private final ExecutorService workers;
    private final ThreadLocal<TrainingExamples> examples = ThreadLocal.withInitial(TrainingExamples::new);
    private final Deque<Future<TrainingExamples.Example>> ahead = new ArrayDeque<>();
    private final int imageSize;
    private final int window;
    private final String advisor;
    private long next;

    /**
     * @param first the index of the first example
     * @param window how many examples are drawn ahead of the one being used
     * @param advisor whose voice every critique is in, or null for the advisor each index draws
     */
    ExampleFeed(long first, int imageSize, int threads, int window, String advisor) {
        this.advisor = advisor;
        this.next = first;
        this.imageSize = imageSize;
        this.window = window;
        this.workers = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "example-feed");
            thread.setDaemon(true);
            return thread;
        });
    }

    TrainingExamples.Example next() {
        while (ahead.size() <= window) {
            long index = next++;
            ahead.add(workers.submit(() -> examples.get().example(index, imageSize, advisor)));
        }
        try {
            return ahead.poll().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("drawing a training example failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while drawing a training example", e);
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
