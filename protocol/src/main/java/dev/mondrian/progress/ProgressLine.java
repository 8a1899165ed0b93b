package dev.mondrian.progress;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Long work's progress (loading weights, writing them, evaluating, benchmark runs, a load test's phases) as a line on
 * stderr every
 * {@link #EVERY}: how much is done of how much, the rate, the time elapsed and the time left at that rate:
 * {@code loading model: 1200/14000 MB (8.6%), 410 MB/s, 0:00:03 elapsed, 0:00:31 left}. A shared daemon
 * thread prints, so the work never stops to report, and work done within the first interval prints nothing.
 */
public final class ProgressLine implements AutoCloseable {
    public static final Duration EVERY = Duration.ofSeconds(5);
    private static final ScheduledExecutorService TICKER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("progress-line").factory());

    private final String what;
    private final long total;
    private final String unit;
    private final double divisor;
    private final Consumer<String> out;
    private final long start = System.nanoTime();
    private final AtomicLong counted = new AtomicLong();
    private final LongSupplier done;
    private final ScheduledFuture<?> ticks;

    ProgressLine(String what, long total, String unit, long divisor, LongSupplier done, Duration every,
                 Consumer<String> out) {
        this.what = what;
        this.total = total;
        this.unit = unit;
        this.divisor = divisor;
        this.done = done == null ? counted::get : done;
        this.out = out;
        this.ticks = TICKER.scheduleAtFixedRate(this::print, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Counts {@code total} things of {@code unit}, shown as they are. */
    public static ProgressLine start(String what, long total, String unit) {
        return start(what, total, unit, 1);
    }

    /** Counts {@code total} things, shown divided by {@code divisor} in {@code unit}: bytes as "MB" with 1000000. */
    public static ProgressLine start(String what, long total, String unit, long divisor) {
        return new ProgressLine(what, total, unit, divisor, null, EVERY, System.err::println);
    }

    /** Reads how much is done from a counter the work keeps anyway, instead of being told with {@link #add}. */
    public static ProgressLine following(String what, long total, String unit, LongSupplier done) {
        return new ProgressLine(what, total, unit, 1, done, EVERY, System.err::println);
    }

    public void add(long n) {
        counted.addAndGet(n);
    }

    /** Stops the lines; what was done is not printed again (the work's own summary says it). */
    @Override
    public void close() {
        ticks.cancel(false);
    }

    private void print() {
        out.accept(line(what, done.getAsLong() / divisor, total / divisor, unit, (System.nanoTime() - start) / 1e9));
    }

    /** The line for {@code done} of {@code total} after {@code seconds}; the time left is "?" until something is done. */
    public static String line(String what, double done, double total, String unit, double seconds) {
        double rate = seconds > 0 ? done / seconds : 0;
        return String.format(Locale.ROOT, "%s: %.0f/%.0f %s (%.1f%%), %s %s/s, %s elapsed, %s left", what, done, total,
                unit, total > 0 ? 100 * done / total : 0, rate(rate), unit, clock(seconds),
                clock(secondsLeft(done, total, seconds)));
    }

    /** At the rate so far; NaN while nothing is done. */
    public static double secondsLeft(double done, double total, double seconds) {
        return done > 0 ? seconds / done * Math.max(0, total - done) : Double.NaN;
    }

    /** {@code h:mm:ss}, or "?" for a time not known yet. */
    public static String clock(double seconds) {
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
