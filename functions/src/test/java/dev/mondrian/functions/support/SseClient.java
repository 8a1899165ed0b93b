package dev.mondrian.functions.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real SSE client over java.net.http that parses frames as a browser's EventSource would. */
public final class SseClient implements AutoCloseable {
    public record Frame(String id, String event, String data) {}

    private final List<Frame> frames = new CopyOnWriteArrayList<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile InputStream body;
    private volatile int status;
    private volatile boolean ended;

    private SseClient(String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        headers.forEach(request::header);
        reader = Thread.ofVirtual().start(() -> read(request.build()));
    }

    public static SseClient open(String url) {
        return new SseClient(url, Map.of());
    }

    public static SseClient resume(String url, String lastEventId) {
        return new SseClient(url, Map.of("Last-Event-ID", lastEventId));
    }

    /** A stream behind a bearer token (the admin stream). */
    public static SseClient withToken(String url, String token) {
        return new SseClient(url, Map.of("Authorization", "Bearer " + token));
    }

    private void read(HttpRequest request) {
        try {
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            body = response.body();
            BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            String id = null, event = null;
            StringBuilder data = null;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        frames.add(new Frame(id, event == null ? "message" : event, data.toString()));
                    }
                    id = null;
                    event = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments.add(line.substring(1).strip());
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data = (data == null ? new StringBuilder() : data.append('\n')).append(line.substring(5).strip());
                }
            }
        } catch (IOException | InterruptedException e) {
            // closed by the test or the server
        } finally {
            ended = true;
        }
    }

    public List<Frame> frames() {
        return new ArrayList<>(frames);
    }

    public List<String> comments() {
        return new ArrayList<>(comments);
    }

    public int status() {
        return status;
    }

    public boolean ended() {
        return ended;
    }

    /** Waits until the server ends the stream (it does after {@code done}). */
    public SseClient awaitEnd(Duration timeout) throws InterruptedException {
        reader.join(timeout);
        if (!ended) {
            throw new AssertionError("stream did not end within " + timeout + "; got " + frames);
        }
        return this;
    }

    public Frame awaitFrame(Predicate<Frame> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Frame frame : frames) {
                if (condition.test(frame)) {
                    return frame;
                }
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new AssertionError("no matching frame within " + timeout + "; got " + frames);
    }

    @Override
    public void close() throws IOException {
        if (body != null) {
            body.close();
        }
        reader.interrupt();
    }
}
