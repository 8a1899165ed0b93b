package dev.mondrian.functions.webhooks;

import java.util.Set;

/** A job's webhook: where, and which of its moments it is told of. */
record Subscription(String url, Set<String> events) {
    /** The job started running (again, after a runner was lost: see its attempts). */
    static final String START = "start";
    /** New text or statistics; at most one delivery per job update interval, with the latest state. */
    static final String OUTPUT = "output";
    /** The job ended: completed, failed or cancelled. */
    static final String COMPLETED = "completed";
}
