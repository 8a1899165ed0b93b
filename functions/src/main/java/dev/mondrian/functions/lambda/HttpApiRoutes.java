package dev.mondrian.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.mondrian.functions.admin.AdminJobs;
import dev.mondrian.functions.advisors.AdvisorCatalog;
import dev.mondrian.functions.http.ApiError;
import dev.mondrian.functions.http.ApiException;
import dev.mondrian.functions.http.Credentials;
import dev.mondrian.functions.jobs.JobRequest;
import dev.mondrian.functions.jobs.JobService;
import dev.mondrian.functions.jobs.JobView;
import dev.mondrian.functions.logging.LogScope;
import dev.mondrian.functions.runnerapi.JobLeases;
import dev.mondrian.functions.store.StorageFailure;
import dev.mondrian.functions.uploads.S3Uploads;
import dev.mondrian.functions.uploads.StoredImage;
import dev.mondrian.protocol.RunnerRoutes;
import dev.mondrian.protocol.RunnerWire.ClaimRequest;
import dev.mondrian.protocol.RunnerWire.Completion;
import dev.mondrian.protocol.RunnerWire.Failure;
import dev.mondrian.protocol.RunnerWire.Heartbeat;
import dev.mondrian.protocol.RunnerWire.Release;
import dev.mondrian.protocol.RunnerWire.ThinkingReport;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP contract's request/response routes, as an API Gateway HTTP API (payload format 2.0) hands them
 * to Lambda: one function for all of them, dispatched on the route key ("POST /api/jobs"), calling the same
 * services as the MVC controllers, with the same status codes, tokens and {@code {"error": ...}} bodies.
 * On Lambda a new job's image is uploaded to S3 first ({@code POST /api/uploads}, then {@code image_key}), or
 * travels inside the JSON body (base64, under API Gateway's payload limit); the streams (SSE, WebSocket) are
 * not request/response and are not routed here.
 */
@Component
class HttpApiRoutes {
    private static final Logger log = LoggerFactory.getLogger(HttpApiRoutes.class);
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    private static final String NO_UPLOADS = "uploads through S3 are not configured here (mondrian.upload-bucket)";

    private final JobService jobs;
    private final AdminJobs adminJobs;
    private final JobLeases runners;
    private final AdvisorCatalog advisors;
    private final Credentials credentials;
    private final JsonMapper json;
    private final Optional<S3Uploads> uploads;
    private final Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> runnerRoutes;

    HttpApiRoutes(JobService jobs, AdminJobs adminJobs, JobLeases runners, AdvisorCatalog advisors,
                  Credentials credentials, JsonMapper json, Optional<S3Uploads> uploads) {
        this.jobs = jobs;
        this.adminJobs = adminJobs;
        this.runners = runners;
        this.advisors = advisors;
        this.credentials = credentials;
        this.json = json;
        this.uploads = uploads;
        this.runnerRoutes = runnerRoutes();
    }

    /** A job naming an uploaded image gets its bytes, read from S3, to check and keep like any other image. */
    private JobRequest withUploadedImage(JobRequest request) {
        if (request.imageKey() == null || request.image() != null) {
            return request;
        }
        return request.withImage(uploads.orElseThrow(() -> ApiException.badRequest(NO_UPLOADS)).read(request.imageKey()));
    }

    /** The runner routes, by the key API Gateway names each with: exactly {@link RunnerRoutes#ALL}. */
    private Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> runnerRoutes() {
        Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> thinking =
                e -> ok(runners.thinking(body(e, ThinkingReport.class).forJob(id(e))));
        return Map.of(
                RunnerRoutes.CLAIM.key(), e -> runners.claim(optionalBody(e)).map(this::ok)
                        .orElseGet(() -> respond(HttpStatus.NO_CONTENT, Map.of(), "")),
                RunnerRoutes.HEARTBEAT.key(), e -> ok(runners.heartbeat(body(e, Heartbeat.class).forJob(id(e)))),
                RunnerRoutes.THINKING.key(), thinking,
                RunnerRoutes.THINKING_BEFORE.key(), thinking,
                RunnerRoutes.COMPLETE.key(), e -> ok(runners.complete(body(e, Completion.class).forJob(id(e)))),
                RunnerRoutes.FAIL.key(), e -> ok(runners.fail(body(e, Failure.class).forJob(id(e)))),
                RunnerRoutes.RELEASE.key(), e -> ok(runners.release(body(e, Release.class).forJob(id(e)))),
                RunnerRoutes.IMAGE.key(), e -> image(jobs.image(id(e))));
    }

    /** Every line logged while a route with a job id in its path is handled carries it (LogScope). */
    APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
        String jobId = event.getPathParameters() == null ? null : event.getPathParameters().get("id");
        try (var fields = LogScope.of(jobId, null)) {
            return dispatch(event);
        }
    }

    private APIGatewayV2HTTPResponse dispatch(APIGatewayV2HTTPEvent event) {
        String route = event.getRouteKey();
        try {
            return switch (route == null ? "" : route) {
                case "POST /api/jobs" -> created(jobs.create(withUploadedImage(body(event, JobRequest.class))));
                case "POST /api/uploads" -> respond(HttpStatus.CREATED, JSON, json.writeValueAsString(
                        uploads.orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, NO_UPLOADS))
                                .newUpload(body(event, S3Uploads.UploadRequest.class).size())));
                case "GET /api/jobs" -> admin(event, () -> ok(adminJobs.list(integer(event, "limit"))));
                case "GET /api/jobs/{id}" -> ok(jobs.get(id(event)));
                case "POST /api/jobs/{id}/cancel" -> ok(jobs.cancel(id(event)));
                case "GET /api/advisors" -> ok(advisors.all());
                default -> {
                    Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> callback = runnerRoutes.get(route);
                    yield callback == null ? error(HttpStatus.NOT_FOUND, "no such route: " + route)
                            : runner(event, () -> callback.apply(event));
                }
            };
        } catch (ApiException e) {
            return error(e.status(), e.getMessage());
        } catch (JacksonException e) {
            return error(HttpStatus.BAD_REQUEST, "request body is not valid JSON of the expected shape");
        } catch (RuntimeException e) {
            Optional<StorageFailure> storage = StorageFailure.of(e);
            if (storage.isPresent()) {
                log.error("storage failure on {} {}: {}", route, event.getRawPath(), e.toString());
                return error(storage.get().status(), storage.get().message());
            }
            log.error("internal failure on {} {}", route, event.getRawPath(), e);
            return error(HttpStatus.INTERNAL_SERVER_ERROR, "internal error; the failure was logged");
        }
    }

    private APIGatewayV2HTTPResponse runner(APIGatewayV2HTTPEvent event, Supplier<APIGatewayV2HTTPResponse> route) {
        return credentials.isRunner(bearer(event)) ? route.get() : unauthorized("runner");
    }

    private APIGatewayV2HTTPResponse admin(APIGatewayV2HTTPEvent event, Supplier<APIGatewayV2HTTPResponse> route) {
        return credentials.isAdmin(bearer(event)) ? route.get() : unauthorized("admin");
    }

    /** HTTP API lower-cases header names. */
    private static String bearer(APIGatewayV2HTTPEvent event) {
        return event.getHeaders() == null ? null : Credentials.bearer(event.getHeaders().get("authorization"));
    }

    private static String id(APIGatewayV2HTTPEvent event) {
        String id = event.getPathParameters() == null ? null : event.getPathParameters().get("id");
        if (id == null || id.isBlank()) {
            throw ApiException.badRequest("the path names no job id");
        }
        return id;
    }

    private static Integer integer(APIGatewayV2HTTPEvent event, String name) {
        String value = event.getQueryStringParameters() == null ? null : event.getQueryStringParameters().get(name);
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("parameter '" + name + "' has the wrong type");
        }
    }

    private <T> T body(APIGatewayV2HTTPEvent event, Class<T> type) {
        String text = text(event);
        if (text.isBlank()) {
            throw ApiException.badRequest("a JSON request body is required");
        }
        return json.readValue(text, type);
    }

    private ClaimRequest optionalBody(APIGatewayV2HTTPEvent event) {
        return text(event).isBlank() ? new ClaimRequest(null, null) : body(event, ClaimRequest.class);
    }

    /** API Gateway base64-encodes bodies it takes for binary. */
    private static String text(APIGatewayV2HTTPEvent event) {
        String body = event.getBody() == null ? "" : event.getBody();
        return event.getIsBase64Encoded() ? new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8) : body;
    }

    private APIGatewayV2HTTPResponse ok(Object value) {
        return respond(HttpStatus.OK, JSON, json.writeValueAsString(value));
    }

    private APIGatewayV2HTTPResponse created(JobView job) {
        return respond(HttpStatus.CREATED, Map.of("Content-Type", "application/json", "Location", job.links().self()),
                json.writeValueAsString(job));
    }

    private static APIGatewayV2HTTPResponse image(StoredImage image) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(HttpStatus.OK.value())
                .withHeaders(Map.of("Content-Type", image.info().contentType()))
                .withBody(Base64.getEncoder().encodeToString(image.bytes())).withIsBase64Encoded(true).build();
    }

    private APIGatewayV2HTTPResponse unauthorized(String who) {
        return respond(HttpStatus.UNAUTHORIZED, Map.of("Content-Type", "application/json", "WWW-Authenticate", "Bearer"),
                json.writeValueAsString(new ApiError("missing or wrong " + who + " token")));
    }

    private APIGatewayV2HTTPResponse error(HttpStatus status, String message) {
        return respond(status, JSON, json.writeValueAsString(new ApiError(message)));
    }

    private static APIGatewayV2HTTPResponse respond(HttpStatus status, Map<String, String> headers, String body) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status.value()).withHeaders(headers).withBody(body)
                .withIsBase64Encoded(false).build();
    }
}
