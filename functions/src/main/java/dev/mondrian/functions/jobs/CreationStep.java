package dev.mondrian.functions.jobs;

import dev.mondrian.functions.events.Journal;

/**
 * Something kept with a new job besides the job (its webhook): checked before anything is stored, so a bad field
 * refuses the job whole, then written in the job's own transaction, so it exists exactly when the job does.
 */
public interface CreationStep {
    /**
     * Throws an ApiException to refuse the job; returns what to write once the job's row exists (and may still
     * refuse it there, rolling everything back). {@code owner}: the client key the job belongs to, or null.
     */
    Write check(JobRequest request, String owner);

    @FunctionalInterface
    interface Write {
        void into(Journal.Tx tx, String jobId);
    }
}
