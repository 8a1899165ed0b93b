package dev.mondrian.functions.apidocs;

import dev.mondrian.functions.events.EventPayload;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.ComposedSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.tags.Tag;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;

/**
 * The streams, which springdoc cannot see behind handlers that write to the response themselves: the {@code JobEvent}
 * schema (one per {@link EventPayload} type, with the fields every event carries), the two SSE routes' framing,
 * responses and resume parameters, and the WebSocket route, which is no MVC route at all (WebSocketRoutes). Kept here
 * rather than on the events package's controllers, whose internals change on their own.
 */
final class StreamDocs {
    static final String JOB_EVENT = "JobEvent";
    static final String EVENTS_PATH = "/api/jobs/{id}/events";
    static final String ORIGINAL_STREAM_PATH = "/stream/{id}";
    static final String WEBSOCKET_PATH = "/api/jobs/{id}/ws";
    private static final String EVENTS_TAG = "events";

    private StreamDocs() {}

    static void addTo(OpenAPI api) {
        ComposedSchema anyEvent = new ComposedSchema();
        for (Class<?> payload : EventPayload.class.getPermittedSubclasses()) {
            String name = payload.getSimpleName() + "Event";
            api.getComponents().addSchemas(name, event(typeOf(payload)).allOf(List.of(payloadSchema(api, payload))));
            anyEvent.addOneOfItem(ref(name));
        }
        api.getComponents().addSchemas(JOB_EVENT, anyEvent.description("One event of a job's ordered log."));
        api.addTagsItem(new Tag().name(EVENTS_TAG).description("A job's ordered events, live: Server-Sent Events or a WebSocket."));
        sse(api.getPaths().get(EVENTS_PATH).getGet().operationId("jobEvents").tags(List.of(EVENTS_TAG))
                .summary("The job's events as Server-Sent Events")
                .description("""
                        Frames `id: <seq>`, `event: <type>`, `data: <JobEvent as JSON>`: the events after the resume \
                        point, then live ones; a `: keep-alive` comment every mondrian.heartbeat-interval while idle; the \
                        stream ends after `done`. A client too slow for its buffer is disconnected and resumes from its \
                        last seq."""));
        sse(api.getPaths().get(ORIGINAL_STREAM_PATH).getGet().operationId("originalStream")
                .summary("The job's events as Server-Sent Events, after a connected greeting")
                .description("""
                        First `event: connected` with `{"type": "connected", "job_id": ...}` (no `id:`), then exactly \
                        the frames of GET /api/jobs/{id}/events, resumable the same way."""));
        api.path(WEBSOCKET_PATH, new PathItem().get(webSocket()));
    }

    private static void sse(Operation operation) {
        operation.responses(new ApiResponses()
                .addApiResponse("200", new ApiResponse().description("the event stream").content(new Content()
                        .addMediaType("text/event-stream", new MediaType().schema(ref(JOB_EVENT)))))
                .addApiResponse("400", new ApiResponse().description("Last-Event-ID or after is not a non-negative seq"))
                .addApiResponse("404", new ApiResponse().description("no job with this id")));
        for (Parameter parameter : operation.getParameters()) {
            switch (parameter.getName()) {
                case "Last-Event-ID" -> parameter.schema(seq()).description("resume after this seq (browsers send it by "
                        + "themselves when they reconnect); wins over after");
                case "after" -> parameter.schema(seq()).description("resume after this seq (default 0: the whole log)");
                default -> { }
            }
        }
    }

    private static Schema<?> seq() {
        return new IntegerSchema().format("int64").minimum(BigDecimal.ZERO);
    }

    private static Schema<?> ref(String schema) {
        return new Schema<>().$ref("#/components/schemas/" + schema);
    }

    /** The fields EventLog adds to every payload. */
    private static Schema<?> event(String type) {
        return new ObjectSchema()
                .addProperty("type", new StringSchema()._enum(List.of(type)))
                .addProperty("job_id", new StringSchema())
                .addProperty("seq", new IntegerSchema().format("int64").description("1, 2, 3... within the job"))
                .addProperty("at", new IntegerSchema().format("int64").description("epoch milliseconds"))
                .required(List.of("type", "job_id", "seq", "at"));
    }

    private static Schema<?> payloadSchema(OpenAPI api, Class<?> payload) {
        var resolved = ModelConverters.getInstance(true).readAllAsResolvedSchema(payload);
        if (resolved.referencedSchemas != null) {
            resolved.referencedSchemas.forEach((name, schema) -> {
                if (!name.equals(resolved.schema.getName())) {
                    api.getComponents().addSchemas(name, schema);
                }
            });
        }
        return resolved.schema.name(null);
    }

    /** The type a payload names itself, read from an instance with every component at its zero value. */
    private static String typeOf(Class<?> payload) {
        RecordComponent[] components = payload.getRecordComponents();
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Object[] zeros = Arrays.stream(types).map(StreamDocs::zero).toArray();
        try {
            return ((EventPayload) payload.getDeclaredConstructor(types).newInstance(zeros)).type();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the event type of " + payload, e);
        }
    }

    private static Object zero(Class<?> type) {
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == double.class) {
            return 0.0;
        }
        return type == boolean.class ? Boolean.FALSE : null;
    }

    private static Operation webSocket() {
        return new Operation().operationId("jobWebSocket").addTagsItem(EVENTS_TAG)
                .summary("The job's events over a WebSocket")
                .description("""
                        A WebSocket (`ws://` or `wss://`; `GET` with `Upgrade: websocket`, which OpenAPI cannot \
                        describe further): after the handshake the server sends the job's events after `after`, \
                        then live ones, each as one text frame holding one `JobEvent` as JSON (the same JSON as an \
                        SSE frame's data), a ping when idle, and closes the connection after `done`. The client \
                        sends nothing. Any origin may connect.""")
                .addParametersItem(new Parameter().in("path").name("id").required(true).schema(new StringSchema()))
                .addParametersItem(new Parameter().in("query").name("after").required(false)
                        .description("resume after this seq (default 0: the whole log)")
                        .schema(seq()))
                .responses(new ApiResponses()
                        .addApiResponse("101", new ApiResponse().description("switching protocols; then each text "
                                + "frame is one JobEvent as JSON"))
                        .addApiResponse("400", new ApiResponse().description("after is not a non-negative seq"))
                        .addApiResponse("404", new ApiResponse().description("no job with this id")));
    }
}
