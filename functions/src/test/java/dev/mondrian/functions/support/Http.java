package dev.mondrian.functions.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small real HTTP client for tests: JSON in and out, multipart uploads, bearer tokens. */
public final class Http {
    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public Http(String base) {
        this.base = base;
    }

    public String base() {
        return base;
    }

    public record Response(int status, String body, java.net.http.HttpHeaders headers) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String error() {
            return json().get("error").asString();
        }
    }

    public Response get(String path) {
        return send(request(path, null).GET().build());
    }

    public Response get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    public Response postJson(String path, String token, Object body) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body)))
                .build());
    }

    public Response putJson(String path, String token, Object body) {
        return send(request(path, token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body)))
                .build());
    }

    public Response delete(String path, String token) {
        return send(request(path, token).DELETE().build());
    }

    public Response post(String path, String contentType, byte[] body) {
        return send(request(path, null).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** A multipart form; a {@code byte[]} value becomes a file part named {@code upload.bin}. */
    public Response multipart(String path, Map<String, Object> fields) {
        String boundary = "----mondrian" + UUID.randomUUID();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            write(out, "--" + boundary + "\r\n");
            if (field.getValue() instanceof byte[] bytes) {
                write(out, "Content-Disposition: form-data; name=\"" + field.getKey() + "\"; filename=\"upload.bin\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n");
                out.writeBytes(bytes);
                write(out, "\r\n");
            } else {
                write(out, "Content-Disposition: form-data; name=\"" + field.getKey() + "\"\r\n\r\n" + field.getValue() + "\r\n");
            }
        }
        write(out, "--" + boundary + "--\r\n");
        // As curl does for a body over 1 MB: headers first, the body only once the server asks for it.
        return send(request(path, null).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .expectContinue(out.size() > 1024 * 1024)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())).build());
    }

    /**
     * A form that declares {@code length} bytes and asks to continue before sending them; answers with the response
     * and whether the server ever asked for the body.
     */
    public Map.Entry<Response, Boolean> declaredUpload(String path, long length) {
        AtomicBoolean asked = new AtomicBoolean();
        Flow.Publisher<ByteBuffer> body = subscriber -> {
            asked.set(true);
            HttpRequest.BodyPublishers.ofByteArray(new byte[(int) length]).subscribe(subscriber);
        };
        Response response = send(request(path, null).header("Content-Type", "multipart/form-data; boundary=x")
                .expectContinue(true).POST(HttpRequest.BodyPublishers.fromPublisher(body, length)).build());
        return Map.entry(response, asked.get());
    }

    public static Map<String, Object> form(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
