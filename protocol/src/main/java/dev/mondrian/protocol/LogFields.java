package dev.mondrian.protocol;

/**
 * The fields (slf4j's MDC) that say which job and which runner a log line is about, the same in the service's and
 * the runner's JSON logs, so one job's lines can be followed across both.
 */
public final class LogFields {
    public static final String JOB_ID = "job_id";
    public static final String RUNNER_ID = "runner_id";

    private LogFields() {}
}
