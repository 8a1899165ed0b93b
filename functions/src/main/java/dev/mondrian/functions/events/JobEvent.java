package dev.mondrian.functions.events;

import java.nio.charset.StandardCharsets;

/**
 * One entry of a job's ordered event log. {@code json} is the complete wire form (it carries
 * {@code type}, {@code job_id}, {@code seq} and {@code at} beside the payload), built once when
 * the event is recorded so fan-out never serializes per subscriber; and so is its Server-Sent Events frame, when
 * the first stream sends it. A class, not a record, for that one cached frame: building the frame for each of a
 * job's streams was about an eighth of what the service allocated under load (docs/BENCHMARKS.md, issue 23).
 */
public final class JobEvent {
    private final String jobId;
    private final long seq;
    private final String type;
    private final String json;
    private final long at;
    private volatile byte[] sseFrame;

    public JobEvent(String jobId, long seq, String type, String json, long at) {
        this.jobId = jobId;
        this.seq = seq;
        this.type = type;
        this.json = json;
        this.at = at;
    }

    public String jobId() {
        return jobId;
    }

    public long seq() {
        return seq;
    }

    public String type() {
        return type;
    }

    public String json() {
        return json;
    }

    /** When the transaction that recorded it began, in epoch milliseconds. */
    public long at() {
        return at;
    }

    public boolean isDone() {
        return EventPayload.Done.TYPE.equals(type);
    }

    /**
     * The event as one Server-Sent Events frame in UTF-8: its seq as the id (a client resumes from it with
     * {@code Last-Event-ID}), its type as the event's name, its JSON as the data. Shared by every stream that sends
     * it, so not to be changed.
     */
    public byte[] sseFrame() {
        byte[] frame = sseFrame;
        if (frame == null) {
            frame = ("id: " + seq + "\nevent: " + type + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
            sseFrame = frame;
        }
        return frame;
    }

    @Override
    public String toString() {
        return "JobEvent[" + jobId + " #" + seq + " " + type + "]";
    }
}
