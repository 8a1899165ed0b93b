package dev.mondrian.runner.logging;

/** The names of the fields (slf4j's MDC) that say which runner and which job a log line is about. */
public final class LogFields {
    public static final String RUNNER_ID = "runner_id";
    public static final String JOB_ID = "job_id";

    private LogFields() {}
}
