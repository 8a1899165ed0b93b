package dev.mondrian.runner.protocol;

import dev.mondrian.protocol.RunnerRoutes;
import dev.mondrian.protocol.RunnerWire.CallbackAck;
import dev.mondrian.protocol.RunnerWire.ClaimRequest;
import dev.mondrian.protocol.RunnerWire.ClaimedJob;
import dev.mondrian.protocol.RunnerWire.Completion;
import dev.mondrian.protocol.RunnerWire.Failure;
import dev.mondrian.protocol.RunnerWire.Heartbeat;
import dev.mondrian.protocol.RunnerWire.Release;
import dev.mondrian.protocol.RunnerWire.ThinkingReport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/** The runner API over HTTP: one method per route, every failure a {@link FunctionsException}. */
public final class FunctionsClient {
    /** Beyond a claim's long-poll wait, how long an answer may take before the call counts as failed. */
    private static final Duration SLACK = Duration.ofSeconds(10);
    static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final URI base;
    private final Supplier<String> token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param token read on every call, so a token file written after the runner started is picked up */
    public FunctionsClient(URI base, Supplier<String> token) {
        this.base = base;
        this.token = token;
    }

    public URI base() {
        return base;
    }

    /** Long-polls for up to the request's wait; empty when no job came. */
    public Optional<ClaimedJob> claim(ClaimRequest request) throws FunctionsException, InterruptedException {
        HttpResponse<byte[]> response = send(json(RunnerRoutes.CLAIM.method(), RunnerRoutes.CLAIM_PATH, request)
                .timeout(Duration.ofMillis(request.waitMs()).plus(SLACK)));
        return response.statusCode() == 204 ? Optional.empty() : Optional.of(read(response, ClaimedJob.class));
    }

    public byte[] image(ClaimedJob job) throws FunctionsException, InterruptedException {
        return send(request(job.image().url()).GET().timeout(SLACK.multipliedBy(3))).body();
    }

    public CallbackAck heartbeat(String jobId, Heartbeat lease) throws FunctionsException, InterruptedException {
        return callback(RunnerRoutes.HEARTBEAT, jobId, lease);
    }

    public CallbackAck thinking(String jobId, ThinkingReport update) throws FunctionsException, InterruptedException {
        return callback(RunnerRoutes.THINKING, jobId, update);
    }

    public CallbackAck complete(String jobId, Completion completion) throws FunctionsException, InterruptedException {
        return callback(RunnerRoutes.COMPLETE, jobId, completion);
    }

    public CallbackAck fail(String jobId, Failure failure) throws FunctionsException, InterruptedException {
        return callback(RunnerRoutes.FAIL, jobId, failure);
    }

    public CallbackAck release(String jobId, Release release) throws FunctionsException, InterruptedException {
        return callback(RunnerRoutes.RELEASE, jobId, release);
    }

    private CallbackAck callback(RunnerRoutes.Route route, String jobId, Object body)
            throws FunctionsException, InterruptedException {
        return read(send(json(route.method(), route.path(jobId), body).timeout(SLACK)), CallbackAck.class);
    }

    private HttpRequest.Builder json(String method, String path, Object body) {
        return request(path).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    }

    private HttpRequest.Builder request(String path) {
        URI uri = base.resolve(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        // The token is the service's alone: a download from elsewhere (a pre-signed S3 URL) carries its own
        // authorization, and S3 refuses a request that has two.
        boolean service = Objects.equals(uri.getScheme(), base.getScheme())
                && Objects.equals(uri.getRawAuthority(), base.getRawAuthority());
        return service ? request.header("Authorization", "Bearer " + token.get()) : request;
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws FunctionsException, InterruptedException {
        HttpRequest built = request.build();
        String what = built.method() + " " + built.uri().getPath();
        HttpResponse<byte[]> response;
        try {
            response = http.send(built, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new FunctionsException(FunctionsException.Kind.UNAVAILABLE,
                    what + ": functions service at " + base + " not reachable (" + e + ")", e);
        }
        int status = response.statusCode();
        if (status < 300) {
            return response;
        }
        String message = what + ": " + status + " " + errorText(response.body());
        FunctionsException.Kind kind = status == 409 ? FunctionsException.Kind.LEASE_LOST
                : status == 401 ? FunctionsException.Kind.UNAUTHORIZED
                : status >= 500 || status == 429 || status == 408 ? FunctionsException.Kind.UNAVAILABLE
                : FunctionsException.Kind.REJECTED;
        throw new FunctionsException(kind, message, null);
    }

    /** The service's {@code {"error": ...}}, or the start of whatever else came back (a proxy's page). */
    private static String errorText(byte[] body) {
        try {
            JsonNode error = JSON.readTree(body).get("error");
            if (error != null) {
                return error.asString();
            }
        } catch (JacksonException notJson) {
            // fall through
        }
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8).strip();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private static <T> T read(HttpResponse<byte[]> response, Class<T> type) throws FunctionsException {
        try {
            return JSON.readValue(response.body(), type);
        } catch (JacksonException e) {
            throw new FunctionsException(FunctionsException.Kind.UNAVAILABLE,
                    "unreadable answer from " + response.uri().getPath() + ": " + e.getOriginalMessage(), e);
        }
    }
}
