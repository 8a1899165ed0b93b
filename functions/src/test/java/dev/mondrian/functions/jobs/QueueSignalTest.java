package dev.mondrian.functions.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueueSignalTest {
    @Test
    void aStopClosesTheQueueToWaitingClaimsAndAStartOpensItAgain() throws Exception {
        QueueSignal queue = new QueueSignal();
        queue.start();
        queue.stop();
        assertThat(queue.closed()).isTrue();
        long start = System.nanoTime();
        queue.awaitAfter(queue.generation(), 5_000);
        assertThat(System.nanoTime() - start).as("a closed queue keeps no claim waiting").isLessThan(1_000_000_000L);

        queue.start(); // restored from a checkpoint, or a paused test context resumed
        assertThat(queue.closed()).isFalse();
        start = System.nanoTime();
        queue.awaitAfter(queue.generation(), 200);
        assertThat(System.nanoTime() - start).as("claims wait again").isGreaterThanOrEqualTo(150_000_000L);
    }
}
