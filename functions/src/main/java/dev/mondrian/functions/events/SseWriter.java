package dev.mondrian.functions.events;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes Server-Sent Events frames straight to a response, flushing each so proxies pass it on at once. */
public final class SseWriter implements EventSink {
    /** How long a browser waits before reconnecting after the connection drops. */
    private static final int RETRY_MS = 2000;

    private final HttpServletResponse response;
    private final OutputStream out;

    public SseWriter(HttpServletResponse response) throws IOException {
        this.response = response;
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache, no-transform");
        response.setHeader("X-Accel-Buffering", "no");
        this.out = response.getOutputStream();
        write("retry: " + RETRY_MS + "\n\n");
    }

    @Override
    public void send(JobEvent event) throws IOException {
        write("id: " + event.seq() + "\nevent: " + event.type() + "\ndata: " + event.json() + "\n\n");
    }

    /** An event outside the job's log (no id, so it does not move the client's Last-Event-ID). */
    public void sendUnnumbered(String type, String json) throws IOException {
        write("event: " + type + "\ndata: " + json + "\n\n");
    }

    @Override
    public void keepAlive() throws IOException {
        write(": keep-alive\n\n");
    }

    private void write(String frame) throws IOException {
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
        response.flushBuffer();
    }
}
