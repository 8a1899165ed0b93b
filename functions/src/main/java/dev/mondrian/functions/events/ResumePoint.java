package dev.mondrian.functions.events;

import dev.mondrian.functions.http.ApiException;

/** Where a stream resumes: the SSE {@code Last-Event-ID} header wins over {@code ?after=}; neither means the start. */
public final class ResumePoint {
    private ResumePoint() {}

    public static long afterSeq(String lastEventId, String after) {
        if (lastEventId != null && !lastEventId.isBlank()) {
            return parse("Last-Event-ID", lastEventId);
        }
        if (after != null && !after.isBlank()) {
            return parse("after", after);
        }
        return 0;
    }

    private static long parse(String name, String value) {
        try {
            long seq = Long.parseLong(value.strip());
            if (seq >= 0) {
                return seq;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badRequest(name + " must be a non-negative event seq, got '" + value + "'");
    }
}
