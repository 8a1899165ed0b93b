package dev.mondrian.functions.events;

/**
 * One entry of a job's ordered event log. {@code json} is the complete wire form (it carries
 * {@code type}, {@code job_id}, {@code seq} and {@code at} beside the payload), built once when
 * the event is recorded so fan-out never serializes per subscriber.
 */
public record JobEvent(String jobId, long seq, String type, String json, long at) {
    public boolean isDone() {
        return EventPayload.Done.TYPE.equals(type);
    }
}
