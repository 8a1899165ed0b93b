package dev.mondrian.runner.model;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link VectorKernel}'s helper threads, handed their ranges without a queue. A decode step splits about 190
 * products and attentions across threads; through an executor each hand-off waits for a parked thread to wake
 * (60–70 µs on this project's virtual machines, docs/BENCHMARKS.md), a fifth of a single-sequence step on two
 * threads. Here an idle helper spins on its slot for {@link #SPIN_NANOS} before it parks, so the hand-offs inside a
 * step take about a microsecond, and a runner with nothing to decode still leaves the cores alone.
 *
 * <p>One caller at a time: {@link #acquire} fails while another thread's work is on the team (a second job's
 * prefill, say), and that caller does its work alone, the cores being busy anyway.
 */
final class KernelTeam {
    /** How long an idle helper spins before it parks, and a waiting caller before it yields its core. */
    private static final long SPIN_NANOS = 200_000;

    private final Helper[] helpers;
    private final AtomicBoolean busy = new AtomicBoolean();

    KernelTeam(int helpers) {
        this.helpers = new Helper[helpers];
        for (int i = 0; i < helpers; i++) {
            this.helpers[i] = new Helper();
            Thread thread = Thread.ofPlatform().daemon().name("mondrian-kernel-" + i).unstarted(this.helpers[i]);
            this.helpers[i].thread = thread;
            thread.start();
        }
    }

    /** Takes the team for the calling thread; false while another caller has it. */
    boolean acquire() {
        return busy.compareAndSet(false, true);
    }

    /** Helper {@code helper} runs {@code part} over [from, to); the caller must hold the team. */
    void start(int helper, VectorKernel.Part part, int from, int to) {
        helpers[helper].start(part, from, to);
    }

    /**
     * Waits until the first {@code started} helpers are done, then releases the team.
     *
     * @return the first failure among them, or null
     */
    Throwable finish(int started) {
        Throwable failure = null;
        for (int i = 0; i < started; i++) {
            Throwable thrown = helpers[i].await();
            if (failure == null) {
                failure = thrown;
            }
        }
        busy.set(false);
        return failure;
    }

    private static final class Helper implements Runnable {
        private Thread thread;
        /** Work handed over (written before {@link #posted}, read after it). */
        private VectorKernel.Part part;
        private int from;
        private int to;
        private Throwable failure;
        private volatile long posted;
        private volatile long finished;
        private volatile boolean parked;

        void start(VectorKernel.Part part, int from, int to) {
            this.part = part;
            this.from = from;
            this.to = to;
            this.failure = null;
            posted = posted + 1; // one poster at a time: the team is held
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        Throwable await() {
            long target = posted;
            long since = System.nanoTime();
            while (finished != target) {
                if (System.nanoTime() - since < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield(); // the helper may be off its core: let it have ours
                }
            }
            return failure;
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long idle = System.nanoTime();
                while (posted == seen) {
                    if (System.nanoTime() - idle < SPIN_NANOS) {
                        Thread.onSpinWait();
                    } else {
                        parked = true;
                        if (posted == seen) {
                            LockSupport.park(this);
                        }
                        parked = false;
                    }
                }
                seen = posted;
                try {
                    part.run(from, to);
                } catch (Throwable e) {
                    failure = e;
                }
                part = null;
                finished = seen;
            }
        }
    }
}
