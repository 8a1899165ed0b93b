package dev.mondrian.runner.metrics;

import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * What the runner reports as it works. {@link #NONE} when nothing serves the metrics (no {@code --metrics-port}):
 * nothing is recorded, and the runner starts without loading a metrics library it would not use.
 */
public interface RunnerMetrics {
    RunnerMetrics NONE = new RunnerMetrics() {
        @Override
        public void runningJobs(IntSupplier count) {}

        @Override
        public void kvCache(LongSupplier usedBytes, long capacityBytes) {}

        @Override
        public JobMeter job() {
            return decodeSpeed -> {};
        }
    };

    /** Reports {@code count} as the jobs running now. */
    void runningJobs(IntSupplier count);

    /** Reports the KV cache memory the running jobs hold, and the most their slots may hold. */
    void kvCache(LongSupplier usedBytes, long capacityBytes);

    /** A job starts now (its claim was answered): its tokens are reported through what this returns. */
    JobMeter job();

    /** One job's tokens; used by the thread that generates them. */
    interface JobMeter {
        /** @param decodeSpeed the job's tokens per second so far (0 until there is a second token to time) */
        void token(double decodeSpeed);
    }
}
