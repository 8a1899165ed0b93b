package dev.mondrian.functions.apidocs;

import dev.mondrian.functions.events.EventPayload;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.ComposedSchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

/**
 * What the streams carry, which springdoc cannot see behind a handler that writes to the response itself: the
 * {@code JobEvent} schema (one per {@link EventPayload} type, with the fields every event carries) that the SSE
 * routes refer to, and the WebSocket route, which is no MVC route at all (WebSocketRoutes).
 */
final class StreamDocs {
    static final String JOB_EVENT = "JobEvent";
    static final String WEBSOCKET_PATH = "/api/jobs/{id}/ws";

    private StreamDocs() {}

    static void addTo(OpenAPI api) {
        ComposedSchema anyEvent = new ComposedSchema();
        for (Class<?> payload : EventPayload.class.getPermittedSubclasses()) {
            String name = payload.getSimpleName() + "Event";
            api.getComponents().addSchemas(name, event(typeOf(payload)).allOf(List.of(payloadSchema(api, payload))));
            anyEvent.addOneOfItem(new Schema<>().$ref("#/components/schemas/" + name));
        }
        api.getComponents().addSchemas(JOB_EVENT, anyEvent.description("One event of a job's ordered log."));
        api.path(WEBSOCKET_PATH, new PathItem().get(webSocket()));
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
        return new Operation().operationId("jobWebSocket").addTagsItem("events")
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
                        .schema(new IntegerSchema().format("int64").minimum(java.math.BigDecimal.ZERO)))
                .responses(new ApiResponses()
                        .addApiResponse("101", new ApiResponse().description("switching protocols; then each text "
                                + "frame is one JobEvent as JSON"))
                        .addApiResponse("400", new ApiResponse().description("after is not a non-negative seq"))
                        .addApiResponse("404", new ApiResponse().description("no job with this id")));
    }
}
