package dev.mondrian.functions.logging;

import static dev.mondrian.protocol.LogFields.JOB_ID;
import static dev.mondrian.protocol.LogFields.RUNNER_ID;

import org.slf4j.MDC;

/**
 * The job and the runner a log line is about, as fields of the line (slf4j's MDC): JSON logs carry them as
 * {@code job_id} and {@code runner_id}, so one job's or one runner's lines can be found without reading messages.
 */
public final class LogScope {
    private LogScope() {}

    /** Sets the fields until the scope closes, then puts back what was there; a null value leaves a field as it is. */
    public static Scope of(String jobId, String runnerId) {
        String previousJob = MDC.get(JOB_ID);
        String previousRunner = MDC.get(RUNNER_ID);
        set(JOB_ID, jobId == null ? previousJob : jobId);
        set(RUNNER_ID, runnerId == null ? previousRunner : runnerId);
        return () -> {
            set(JOB_ID, previousJob);
            set(RUNNER_ID, previousRunner);
        };
    }

    private static void set(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /** A try-with-resources scope that throws nothing. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
