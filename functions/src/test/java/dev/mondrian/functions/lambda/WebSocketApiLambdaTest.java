package dev.mondrian.functions.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.mondrian.functions.support.ServiceTest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Live updates on Lambda: the real handler runs {@code webSocketApi} for the WebSocket API's routes and
 * {@code httpApi} for the runner's callbacks (two Lambda functions, one database), and API Gateway's
 * management API is a real HTTP server on loopback that records what it is asked to send.
 */
class WebSocketApiLambdaTest {
    private static final JsonMapper JSON = ApiGatewayEvents.JSON;

    /** What the management API was asked: method, connection id, body, signature. */
    record Call(String method, String connectionId, String body, String authorization) {}

    private static final List<Call> calls = new CopyOnWriteArrayList<>();
    private static final Set<String> gone = ConcurrentHashMap.newKeySet();
    private static HttpServer managementApi;
    private static FunctionInvoker webSocketApi;
    private static FunctionInvoker httpApi;
    private static LambdaEnvironment environment;

    @BeforeAll
    static void start() throws Exception {
        managementApi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        managementApi.createContext("/@connections/", exchange -> {
            String id = exchange.getRequestURI().getPath().substring("/@connections/".length());
            calls.add(new Call(exchange.getRequestMethod(), id,
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            boolean isGone = gone.contains(id);
            byte[] body = isGone ? "{\"message\":\"Gone\"}".getBytes(StandardCharsets.UTF_8) : new byte[0];
            exchange.getResponseHeaders().add("x-amzn-ErrorType", isGone ? "GoneException" : "");
            exchange.sendResponseHeaders(isGone ? 410 : 200, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        managementApi.start();

        environment = new LambdaEnvironment(Map.of("mondrian.websocket-management-endpoint",
                "http://127.0.0.1:" + managementApi.getAddress().getPort()));
        webSocketApi = environment.handler("webSocketApi");
        httpApi = environment.handler("httpApi");
    }

    @AfterAll
    static void stop() {
        environment.close();
        managementApi.stop(0);
    }

    @Test
    void connectionsGetTheJobsEventsLiveAndOnRequestAndAreForgottenWhenGone() throws Exception {
        String id = JSON.readTree(http("POST /api/jobs", null, "{\"prompt\": \"watched on a socket\"}").get("body")
                .asString()).get("job_id").asString();

        assertThat(socket("$connect", "conn-live", Map.of("job", id), null).get("statusCode").asInt()).isEqualTo(200);
        assertThat(socket("$connect", "conn-gone", Map.of("job", id), null).get("statusCode").asInt()).isEqualTo(200);
        JsonNode refused = socket("$connect", "conn-x", Map.of("job", "nope"), null);
        assertThat(refused.get("statusCode").asInt()).isEqualTo(404);
        assertThat(JSON.readTree(refused.get("body").asString()).get("error").asString()).contains("nope");
        gone.add("conn-gone");

        // A runner's callback, handled by the other function, reaches the connection as it commits.
        JsonNode claim = JSON.readTree(http("POST /api/runner/claim", ServiceTest.RUNNER_TOKEN, "{\"wait_ms\": 0}")
                .get("body").asString());
        String lease = "\"lease_id\": \"" + claim.get("lease").get("id").asString() + "\", \"lease_epoch\": "
                + claim.get("lease").get("epoch").asLong();
        http("PUT /api/jobs/{id}/thinking", id, ServiceTest.RUNNER_TOKEN, "{" + lease + ", \"update_seq\": 1, \"text\": \"Live \"}");
        List<JsonNode> live = framesTo("conn-live");
        assertThat(live).extracting(f -> f.get("type").asString()).containsExactly("status_update", "token");
        assertThat(live.getLast().get("text").asString()).isEqualTo("Live ");
        assertThat(live.getLast().get("job_id").asString()).isEqualTo(id);
        assertThat(calls).allSatisfy(call -> assertThat(call.authorization()).startsWith("AWS4-HMAC-SHA256 "));
        assertThat(connectionsIn()).containsExactly("conn-live"); // API Gateway said conn-gone is gone

        // A message asks for what came after a seq: the whole log from 1.
        calls.clear();
        assertThat(socket("$default", "conn-live", null, "{\"after\": 0}").get("statusCode").asInt()).isEqualTo(200);
        assertThat(framesTo("conn-live")).extracting(f -> f.get("seq").asLong()).containsExactly(1L, 2L, 3L);

        // Done ends the stream: the service closes the connection, as an SSE stream ends.
        calls.clear();
        http("POST /api/runner/jobs/{id}/complete", id, ServiceTest.RUNNER_TOKEN, "{" + lease + ", \"analysis\": \"Done.\"}");
        assertThat(framesTo("conn-live")).extracting(f -> f.get("type").asString()).endsWith("done");
        assertThat(calls.getLast().method()).isEqualTo("DELETE");
        assertThat(connectionsIn()).isEmpty();
        assertThat(socket("$disconnect", "conn-live", null, null).get("statusCode").asInt()).isEqualTo(200);
    }

    @Test
    void badConnectionsAndMessagesAreRefusedWithTheReason() throws Exception {
        assertRefused(socket("$connect", "conn-no-job", null, null), 400, "?job=");
        String id = JSON.readTree(http("POST /api/jobs", null, "{\"prompt\": \"p\"}").get("body").asString())
                .get("job_id").asString();
        assertThat(socket("$connect", "conn-bad", Map.of("job", id), null).get("statusCode").asInt()).isEqualTo(200);
        assertRefused(socket("$default", "conn-bad", null, "{after"), 400, "{\"after\": <seq>}");
        assertRefused(socket("$default", "conn-unknown", null, "{\"after\": 0}"), 404, "watches no job");
        assertThat(socket("$disconnect", "conn-bad", null, null).get("statusCode").asInt()).isEqualTo(200);
        http("POST /api/jobs/{id}/cancel", id, null, null); // leaves the queue to the other test's claim
    }

    private static void assertRefused(JsonNode response, int status, String reason) {
        assertThat(response.get("statusCode").asInt()).as(response.toString()).isEqualTo(status);
        assertThat(JSON.readTree(response.get("body").asString()).get("error").asString()).contains(reason);
    }

    private static List<JsonNode> framesTo(String connectionId) {
        return calls.stream().filter(c -> c.method().equals("POST") && c.connectionId().equals(connectionId))
                .map(c -> JSON.readTree(c.body())).toList();
    }

    private static List<String> connectionsIn() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + environment.dataDir().resolve("mondrian.db"));
             ResultSet rows = c.createStatement().executeQuery("SELECT connection_id FROM websocket_connections")) {
            List<String> ids = new java.util.ArrayList<>();
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
            return ids;
        }
    }

    private static JsonNode socket(String routeKey, String connectionId, Map<String, String> query, String body)
            throws Exception {
        return ApiGatewayEvents.invoke(webSocketApi, ApiGatewayEvents.webSocket(routeKey, connectionId, query, body));
    }

    private static JsonNode http(String routeKey, String token, String body) throws Exception {
        return http(routeKey, null, token, body);
    }

    private static JsonNode http(String routeKey, String jobId, String token, String body) throws Exception {
        JsonNode response = ApiGatewayEvents.invoke(httpApi, ApiGatewayEvents.httpApi(routeKey,
                jobId == null ? Map.of() : Map.of("id", jobId), token, body));
        assertThat(response.get("statusCode").asInt()).as(response.toString()).isBetween(200, 201);
        return response;
    }
}
