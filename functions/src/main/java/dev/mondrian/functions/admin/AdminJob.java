package dev.mondrian.functions.admin;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.mondrian.functions.jobs.Job;
import dev.mondrian.functions.jobs.JobView;

/**
 * A job as the operator sees it: everything a client sees, plus the runner that holds (or last held) it and
 * when it last changed. Only admin routes answer with it: runner ids are internals clients never see.
 *
 * @param runnerId the runner of the current or last claim; null while queued
 * @param updatedAt epoch ms of the job's newest event
 */
public record AdminJob(@JsonUnwrapped JobView job, String runnerId, long updatedAt) {
    static AdminJob of(Job job, long updatedAt) {
        return new AdminJob(JobView.of(job), job.runnerId(), updatedAt);
    }
}
