package dev.mondrian.functions.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.ServiceTest;
import dev.mondrian.functions.support.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Every public and runner route fed malformed requests (seeded, so a failure repeats): garbage and truncated
 * bodies, JSON of the wrong shape and types, huge fields and headers, deep nesting, invalid UTF-8, broken
 * multipart, odd paths. None may answer 5xx, every refusal the service itself makes is JSON with an error, the
 * service stays healthy, and nothing refused is stored.
 */
@TestPropertySource(properties = "mondrian.claim-wait=0s") // a claim that finds no job answers at once
class FuzzTest extends ServiceTest {
    /** The client key the fuzz sends besides the other tokens, and that owns the real job; none with keys off. */
    protected String clientKey() {
        return null;
    }

    /**
     * Method and path of every route, with {id} for a job id; POST /api/jobs and /upload are multipart. The admin
     * stream never ends by itself, so even the admin token's request to it is one it refuses (a limit out of range).
     */
    private static final List<String> ROUTES = List.of("POST /api/jobs", "GET /api/jobs/{id}", "GET /api/jobs",
            "GET /api/admin/events?limit=0",
            "POST /api/jobs/{id}/cancel", "GET /api/jobs/{id}/events", "GET /api/advisors", "GET /health",
            "POST /api/runner/claim", "POST /api/runner/jobs/{id}/heartbeat", "PUT /api/jobs/{id}/thinking",
            "POST /api/runner/jobs/{id}/thinking",
            "POST /api/runner/jobs/{id}/complete", "POST /api/runner/jobs/{id}/fail", "POST /api/runner/jobs/{id}/release",
            "GET /api/runner/jobs/{id}/image", "POST /upload", "GET /jobs", "GET /jobs/{id}", "GET /status/{id}",
            "GET /stream/{id}", "GET /analysis/{id}", "PUT /job/{id}/thinking", "POST /fn/httpApi", "POST /api/uploads", "GET /advisors", "GET /advisors/{id}", "GET /summary/{id}",
            "GET /api/admin/webhooks", "POST /api/admin/webhooks/{id}/redeliver", "GET /api/jobs/{id}/image",
            "POST /api/jobs/{id}/read-token", "POST /api/admin/keys", "GET /api/admin/keys",
            "POST /api/admin/keys/{id}/revoke", "GET /api/openapi",
            "GET /api/openapi.yaml");
    private static final List<String> FIELDS = List.of("prompt", "advisor", "mode", "max_tokens", "temperature",
            "update_interval_ms", "runner_id", "wait_ms", "lease_id", "lease_epoch", "update_seq", "tokens",
            "tokens_per_second", "prompt_tokens", "elapsed_ms", "text", "message", "analysis", "error", "reason", "thinking",
            "webhook", "webhook_events", "image_key", "size");

    private static final Pattern JOB_ID = Pattern.compile("\"job_id\"\\s*:\\s*\"([0-9a-f]{32})\"");
    private static final List<String> ODD_IDS = List.of("nope", "%00", "..%2F..%2Fetc", "a".repeat(3000),
            "%E6%97%A5%E6%9C%AC", "%ZZ");

    private final SplittableRandom random = new SplittableRandom(42);
    private final List<String> refusals = new ArrayList<>();
    /** Jobs that an accepted request (one that happened to be valid) reported creating. */
    private final Set<String> created = new HashSet<>();

    @Test
    void malformedRequestsAreRefusedCleanlyAndStoreNothing() throws Exception {
        long jobsBefore = count("SELECT COUNT(*) FROM jobs");
        String key = clientKey();
        String realJob = http.postJson("/api/jobs", key, Map.of("prompt", "the one real job")).json().get("job_id")
                .asString();
        // Ended, so that its streams replay and close instead of waiting for more.
        assertThat(http.postJson("/api/jobs/" + realJob + "/cancel", key, "").status()).isEqualTo(200);
        List<byte[]> bodies = bodies();
        List<String> types = contentTypes();
        for (String route : ROUTES) {
            String method = route.substring(0, route.indexOf(' '));
            String template = route.substring(route.indexOf(' ') + 1);
            String path = template.replace("{id}", realJob);
            for (byte[] body : bodies) {
                send(method, path, types.get(random.nextInt(types.size())), RUNNER_TOKEN, body);
            }
            for (String token : new String[] {null, "x".repeat(9000), ADMIN_TOKEN, key}) {
                send(method, path, "application/json", token, "{}".getBytes(StandardCharsets.UTF_8));
            }
            if (template.contains("{id}")) {
                for (String id : ODD_IDS) {
                    send(method, template.replace("{id}", id), "application/json", RUNNER_TOKEN, bodies.get(1));
                }
            }
        }
        brokenAtTheWireLevel();
        assertThat(refusals).as("answers that were not a clean refusal").isEmpty();
        assertThat(http.get("/health").status()).isEqualTo(200);
        // Only the real job, and whatever a request that happened to be valid created, were stored.
        created.add(realJob);
        assertThat(count("SELECT COUNT(*) FROM jobs")).isEqualTo(jobsBefore + created.size());
        assertThat(count("SELECT COUNT(*) FROM job_events e WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = e.job_id)"))
                .isZero();
        assertThat(http.get("/api/jobs/" + realJob, key).json().get("prompt").asString()).isEqualTo("the one real job");
    }

    private List<byte[]> bodies() {
        List<byte[]> bodies = new ArrayList<>();
        bodies.add(new byte[0]);
        byte[] noise = new byte[1 + random.nextInt(4096)];
        random.nextBytes(noise);
        bodies.add(noise);
        for (String json : List.of("null", "[]", "\"text\"", "123", "{", "{\"prompt\":", "[".repeat(5000) + "]".repeat(5000))) {
            bodies.add(json.getBytes(StandardCharsets.UTF_8));
        }
        for (String field : FIELDS) {
            String wrong = switch (random.nextInt(5)) {
                case 0 -> "{\"a\": [1, {\"b\": null}]}";
                case 1 -> "1e400";
                case 2 -> "-99999999999999999999999";
                case 3 -> "[\"x\", 2]";
                default -> "\"" + "é".repeat(600_000) + "\"";
            };
            bodies.add(("{\"" + field + "\": " + wrong + ", \"lease_id\": \"x\", \"lease_epoch\": 1}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        bodies.add(new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'});
        bodies.add(multipart("b0undary", "--b0undary\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nhello"));
        bodies.add(multipart("b0undary", "--other\r\nContent-Disposition: form-data\r\n\r\nx\r\n--other--\r\n"));
        bodies.add(multipart("b0undary", "--b0undary\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n" + new String(TestImages.png(30, 20), StandardCharsets.ISO_8859_1)
                .substring(0, 40) + "\r\n--b0undary--\r\n"));
        return bodies;
    }

    private List<String> contentTypes() {
        return List.of("application/json", "multipart/form-data; boundary=b0undary", "multipart/form-data",
                "text/plain; charset=bogus");
    }

    private static byte[] multipart(String boundary, String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private void send(String method, String path, String type, String token, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        head.append("Content-Type: ").append(type).append("\r\nContent-Length: ").append(body.length).append("\r\n");
        if (token != null) {
            head.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        Answer answer = exchange(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1), body);
        if (answer.status() / 100 == 2) {
            Matcher id = JOB_ID.matcher(answer.body());
            while (id.find()) {
                created.add(id.group(1));
            }
        }
        judge(method + " " + abbreviate(path) + " [" + type + ", " + body.length + " bytes]", answer, true);
    }

    /** Requests HTTP itself forbids, which the server refuses before the service sees them: no 5xx either. */
    private void brokenAtTheWireLevel() throws IOException {
        List<String> heads = List.of(
                "GET /api/jobs/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Huge: " + "h".repeat(100_000) + "\r\n\r\n",
                "POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999\r\n\r\nshort",
                "POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n",
                "GET /api/jobs/\u0001 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                "BREW /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                "GET /api/jobs HTTP/9.9\r\n\r\n");
        for (String head : heads) {
            judge(abbreviate(head.lines().findFirst().orElse("")), exchange(head.getBytes(StandardCharsets.ISO_8859_1),
                    new byte[0]), false);
        }
    }

    private record Answer(int status, String body) {}

    private Answer exchange(byte[] head, byte[] body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head);
                out.write(body);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException refusedMidway) {
                // The server may answer and close before reading a body it has already refused.
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            try {
                in.transferTo(response);
            } catch (IOException reset) {
                // a reset after the answer
            }
            String text = response.toString(StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.1 ")) {
                return new Answer(0, text);
            }
            int headEnd = text.indexOf("\r\n\r\n");
            String content = headEnd >= 0 ? text.substring(headEnd + 4) : "";
            boolean chunked = headEnd >= 0 && text.substring(0, headEnd).toLowerCase(java.util.Locale.ROOT)
                    .contains("\r\ntransfer-encoding: chunked");
            return new Answer(Integer.parseInt(text.substring(9, 12)), chunked ? dechunk(content) : content);
        }
    }

    /** The body of a chunked answer: each chunk's size line and trailing CRLF taken out. */
    private static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].strip(), 16);
            if (size == 0) {
                break;
            }
            int start = lineEnd + 2;
            body.append(chunked, start, Math.min(chunked.length(), start + size));
            at = start + size + 2;
        }
        return body.toString();
    }

    /**
     * A 5xx is never acceptable, but for 505, HTTP's own answer to a version it does not speak; a refusal must say
     * why in JSON.
     */
    private void judge(String request, Answer answer, boolean byTheService) {
        if ((answer.status() >= 500 && answer.status() != 505) || (answer.status() == 0 && byTheService)) {
            refusals.add(request + " -> " + answer.status() + " " + abbreviate(answer.body()));
            return;
        }
        if (answer.status() >= 400) {
            String body = answer.body();
            try {
                JsonNode error = Http.JSON.readTree(body).get("error");
                if (error == null || error.asString().isBlank()) {
                    refusals.add(request + " -> " + answer.status() + " without an error message: " + abbreviate(body));
                }
            } catch (RuntimeException notJson) {
                refusals.add(request + " -> " + answer.status() + " not JSON: " + abbreviate(body));
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 160 ? text : text.substring(0, 160) + "…";
    }
}
