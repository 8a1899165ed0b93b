package dev.mondrian.functions.events;

import java.io.IOException;

/** Where a transport writes a stream: one SSE response or one WebSocket session. Used by one thread at a time. */
public interface EventSink {
    /** Sends one event; it may wait in a buffer until {@link #flush()}. */
    void send(JobEvent event) throws IOException;

    /** Pushes out whatever {@link #send} buffered: called once per batch of events, not once per event. */
    default void flush() throws IOException {}

    /** Keeps an idle connection open through proxies (an SSE comment, a WebSocket ping). */
    void keepAlive() throws IOException;

    /** Ends the connection: after the job's {@code done}, when the client fell behind, or when writing failed. */
    void close();
}
