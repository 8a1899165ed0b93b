package dev.mondrian.functions.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** API Gateway's events as it sends them to Lambda (AWS's documented samples, made into each request), and the handler's answers. */
final class ApiGatewayEvents {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private ApiGatewayEvents() {}

    /** An HTTP API (payload format 2.0) request: route key, path parameters, bearer token, JSON body (each may be empty). */
    static ObjectNode httpApi(String routeKey, Map<String, String> pathParameters, String token, String body) {
        ObjectNode event = sample("http-api-event.json");
        String method = routeKey.substring(0, routeKey.indexOf(' '));
        String path = routeKey.substring(routeKey.indexOf(' ') + 1);
        for (Map.Entry<String, String> parameter : pathParameters.entrySet()) {
            path = path.replace("{" + parameter.getKey() + "}", parameter.getValue());
        }
        event.put("routeKey", routeKey).put("rawPath", path);
        ObjectNode context = (ObjectNode) event.get("requestContext");
        context.put("routeKey", routeKey);
        ((ObjectNode) context.get("http")).put("method", method).put("path", path);
        if (!pathParameters.isEmpty()) {
            ObjectNode parameters = event.putObject("pathParameters");
            pathParameters.forEach(parameters::put);
        }
        ObjectNode headers = (ObjectNode) event.get("headers");
        if (token != null) {
            headers.put("authorization", "Bearer " + token);
        }
        if (body != null) {
            headers.put("content-type", "application/json");
            headers.put("content-length", String.valueOf(body.getBytes(StandardCharsets.UTF_8).length));
            event.put("body", body);
        }
        return event;
    }

    /** A WebSocket API event: {@code $connect}, {@code $disconnect} or a message ({@code $default}). */
    static ObjectNode webSocket(String routeKey, String connectionId, Map<String, String> query, String body) {
        ObjectNode event = sample("websocket-event.json");
        ((ObjectNode) event.get("requestContext")).put("routeKey", routeKey).put("connectionId", connectionId)
                .put("eventType", switch (routeKey) {
                    case "$connect" -> "CONNECT";
                    case "$disconnect" -> "DISCONNECT";
                    default -> "MESSAGE";
                });
        if (query != null) {
            ObjectNode parameters = event.putObject("queryStringParameters");
            query.forEach(parameters::put);
        }
        if (body != null) {
            event.put("body", body);
        }
        return event;
    }

    /** The handler's answer, which must be one API Gateway can read. */
    static JsonNode invoke(FunctionInvoker handler, ObjectNode event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
        JsonNode response = JSON.readTree(out.toByteArray());
        assertThat(response.has("statusCode")).as("a response API Gateway reads: %s", response).isTrue();
        return response;
    }

    private static ObjectNode sample(String name) {
        try (InputStream sample = ApiGatewayEvents.class.getResourceAsStream("/lambda/" + name)) {
            return (ObjectNode) JSON.readTree(sample);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
