package dev.mondrian.functions.load;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A phase of the load harness that takes a while, as a line on stderr every {@link #EVERY}: how much of it is
 * done, the rate, the time elapsed and the time left at that rate:
 * {@code opening SSE clients: 4200/10000 clients (42.0%), 840 clients/s, 0:00:05 elapsed, 0:00:07 left}. It reads
 * the phase's own counter from a thread of its own, so the work does nothing to report, and a phase done within
 * the first interval prints nothing.
 */
final class ProgressLine implements AutoCloseable {
    static final Duration EVERY = Duration.ofSeconds(5);

    private final Thread ticker;

    ProgressLine(String what, long total, String unit, LongSupplier done, Duration every, Consumer<String> out) {
        long start = System.nanoTime();
        ticker = Thread.ofVirtual().name("progress-line").start(() -> {
            try {
                while (true) {
                    Thread.sleep(every);
                    out.accept(line(what, done.getAsLong(), total, unit, (System.nanoTime() - start) / 1e9));
                }
            } catch (InterruptedException closed) {
                // the phase is over
            }
        });
    }

    static ProgressLine start(String what, long total, String unit, LongSupplier done) {
        return new ProgressLine(what, total, unit, done, EVERY, System.err::println);
    }

    @Override
    public void close() throws InterruptedException {
        ticker.interrupt();
        ticker.join();
    }

    /** The line for {@code done} of {@code total} after {@code seconds}; the time left is "?" until something is done. */
    static String line(String what, long done, long total, String unit, double seconds) {
        double rate = seconds > 0 ? done / seconds : 0;
        return String.format(Locale.ROOT, "%s: %d/%d %s (%.1f%%), %s %s/s, %s elapsed, %s left", what, done, total, unit,
                total > 0 ? 100.0 * done / total : 0, rate(rate), unit, clock(seconds),
                clock(secondsLeft(done, total, seconds)));
    }

    /** At the rate so far; NaN while nothing is done. */
    static double secondsLeft(double done, double total, double seconds) {
        return done > 0 ? seconds / done * Math.max(0, total - done) : Double.NaN;
    }

    /** {@code h:mm:ss}, or "?" for a time not known yet. */
    static String clock(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, perSecond >= 100 ? "%.0f" : perSecond >= 1 ? "%.1f" : "%.2f", perSecond);
    }
}
