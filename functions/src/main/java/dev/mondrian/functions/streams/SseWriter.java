package dev.mondrian.functions.streams;

import dev.mondrian.functions.events.Delivery;
import dev.mondrian.functions.events.EventPump;
import dev.mondrian.functions.events.EventSink;
import dev.mondrian.functions.events.JobEvent;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes Server-Sent Events frames straight to an asynchronous response, flushing each so proxies
 * pass it on at once; closing completes the response.
 *
 * <p>The container recycles a response for another request once it has ended (the client went away,
 * or we completed it), so every write and the end itself happen under this writer's lock, and nothing
 * is written after the container said the response is over.
 */
public final class SseWriter implements EventSink, AsyncListener {
    /** How long a browser waits before reconnecting after the connection drops. */
    private static final int RETRY_MS = 2000;

    private final AsyncContext async;
    private final OutputStream out;
    private boolean over;
    private volatile Delivery delivery;

    /** A writer for an asynchronous response: {@link EventPump} streams to it from its own threads. */
    SseWriter(AsyncContext async, HttpServletResponse response) throws IOException {
        this(async, response, true);
    }

    /** A writer used by the request's own thread until it returns (which ends the response). */
    public static SseWriter onRequestThread(HttpServletResponse response) throws IOException {
        return new SseWriter(null, response, false);
    }

    private SseWriter(AsyncContext async, HttpServletResponse response, boolean asynchronous) throws IOException {
        this.async = async;
        if (asynchronous) {
            async.addListener(this);
        }
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache, no-transform");
        response.setHeader("X-Accel-Buffering", "no");
        this.out = response.getOutputStream();
        write("retry: " + RETRY_MS + "\n\n");
    }

    /** The stream this writer serves, stopped when the container ends the response. */
    void serve(Delivery delivery) {
        this.delivery = delivery;
        if (isOver()) {
            delivery.cancel();
        }
    }

    @Override
    public void send(JobEvent event) throws IOException {
        append(event.sseFrame());
    }

    @Override
    public synchronized void flush() throws IOException {
        if (over) {
            throw new IOException("the response is over");
        }
        out.flush();
    }

    /** An event outside the job's log (no id, so it does not move the client's Last-Event-ID). */
    public void sendUnnumbered(String type, String json) throws IOException {
        write("event: " + type + "\ndata: " + json + "\n\n");
    }

    @Override
    public void keepAlive() throws IOException {
        write(": keep-alive\n\n");
    }

    @Override
    public synchronized void close() {
        if (!over) {
            over = true;
            if (async != null) {
                async.complete();
            }
        }
    }

    private void write(String frame) throws IOException {
        append(frame.getBytes(StandardCharsets.UTF_8));
        flush();
    }

    /** Into the response's buffer; a frame larger than the buffer goes out at once, whole. */
    private synchronized void append(byte[] frame) throws IOException {
        if (over) {
            throw new IOException("the response is over");
        }
        out.write(frame);
    }

    private synchronized boolean isOver() {
        return over;
    }

    /** The container ended the response (the client went away): complete it here, so no error page follows. */
    private void ended(boolean complete) {
        synchronized (this) {
            if (!over) {
                over = true;
                if (complete && async != null) {
                    async.complete();
                }
            }
        }
        Delivery current = delivery;
        if (current != null) {
            current.cancel();
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        ended(false);
    }

    @Override
    public void onError(AsyncEvent event) {
        ended(true);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        ended(true);
    }

    @Override
    public void onStartAsync(AsyncEvent event) {}
}
