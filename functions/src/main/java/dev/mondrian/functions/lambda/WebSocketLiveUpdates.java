package dev.mondrian.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.mondrian.functions.MondrianProperties;
import dev.mondrian.functions.events.EventHub;
import dev.mondrian.functions.events.EventLog;
import dev.mondrian.functions.events.JobEvent;
import dev.mondrian.functions.http.ApiError;
import dev.mondrian.functions.http.Caller;
import dev.mondrian.functions.http.Credentials;
import dev.mondrian.functions.http.RequiresToken;
import dev.mondrian.functions.jobs.JobRepository;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Live updates on AWS Lambda, through an API Gateway WebSocket API whose routes all run {@code webSocketApi}
 * ({@code SPRING_CLOUD_FUNCTION_DEFINITION=webSocketApi}). {@code $connect?job=<id>} registers the connection
 * for that job (an unknown job refuses it, as does, with client keys on, a caller without its key or
 * {@code &token=} for it); a message {@code {"after": <seq>}} replays the job's events after
 * that seq; every event committed afterwards, by any Lambda of the service, is pushed as it happens;
 * {@code $disconnect} forgets the connection. A frame may arrive both live and in a replay: clients drop any
 * seq they have seen, as they do when resuming SSE.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "mondrian.websocket-management-endpoint")
class WebSocketLiveUpdates {
    private static final int PAGE = 500;

    @Bean
    ApiGatewayManagementApiClient managementApi(MondrianProperties properties) {
        return ApiGatewayManagementApiClient.builder()
                .endpointOverride(URI.create(properties.websocketManagementEndpoint()))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Bean
    ConnectionPusher connectionPusher(ApiGatewayManagementApiClient api, WebSocketConnections connections) {
        return new ConnectionPusher(api, connections);
    }

    @Bean
    @Primary
    EventHub pushingEventHub(@Qualifier("eventHub") EventHub hub, WebSocketConnections connections,
                             ConnectionPusher pusher) {
        return new PushingEventHub(hub, connections, pusher);
    }

    @Bean
    Function<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> webSocketApi(
            JobRepository jobs, WebSocketConnections connections, ConnectionPusher pusher, EventLog log, JsonMapper json,
            Credentials credentials) {
        return event -> {
            String connectionId = event.getRequestContext().getConnectionId();
            return switch (event.getRequestContext().getRouteKey()) {
                case "$connect" -> {
                    Map<String, String> query = event.getQueryStringParameters();
                    String jobId = query == null ? null : query.get("job");
                    if (jobId == null || jobId.isBlank()) {
                        yield answer(json, 400, "connect with ?job=<job id>");
                    }
                    // The rule of GET /api/jobs/{id}/events: with client keys on, the job's key or ?token= for it.
                    Caller caller = Caller.of(event.getHeaders() == null ? null : event.getHeaders().get("Authorization"),
                            query.get("token"), jobId);
                    if (jobs.find(jobId).isEmpty() || !credentials.allows(RequiresToken.Role.READER, caller)) {
                        yield answer(json, 404, "no job with id '" + jobId + "'");
                    }
                    connections.add(connectionId, jobId, System.currentTimeMillis());
                    yield answer(json, 200, null);
                }
                case "$disconnect" -> {
                    connections.remove(connectionId);
                    yield answer(json, 200, null);
                }
                default -> {
                    String jobId = connections.jobOf(connectionId).orElse(null);
                    if (jobId == null) {
                        yield answer(json, 404, "this connection watches no job; connect with ?job=<job id>");
                    }
                    long after;
                    try {
                        JsonNode message = json.readTree(event.getBody() == null ? "{}" : event.getBody());
                        after = message.path("after").asLong(0);
                    } catch (JacksonException e) {
                        yield answer(json, 400, "a message is JSON: {\"after\": <seq>}");
                    }
                    List<JobEvent> page;
                    do {
                        page = log.after(jobId, after, PAGE);
                        if (!page.isEmpty() && !pusher.send(connectionId, page)) {
                            break;
                        }
                        after = page.isEmpty() ? after : page.getLast().seq();
                    } while (page.size() == PAGE);
                    yield answer(json, 200, null);
                }
            };
        };
    }

    private static APIGatewayV2WebSocketResponse answer(JsonMapper json, int status, String error) {
        APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
        response.setStatusCode(status);
        if (error != null) {
            response.setHeaders(Map.of("Content-Type", "application/json"));
            response.setBody(json.writeValueAsString(new ApiError(error)));
        }
        return response;
    }
}
