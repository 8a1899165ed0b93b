package dev.mondrian.functions.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;
import tools.jackson.databind.JsonNode;

/**
 * Webhooks on Lambda: a job created through {@code httpApi} with JSON keeps its webhook, and the scheduled
 * {@code housekeeping} function, invoked with the event EventBridge sends, delivers what is due to a receiver.
 */
class WebhookLambdaTest {
    private static final String SCHEDULED_EVENT = """
            {"version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event",
             "source": "aws.events", "account": "123456789012", "time": "2026-12-04T12:00:00Z", "region": "eu-west-1",
             "resources": ["arn:aws:events:eu-west-1:123456789012:rule/webhooks"], "detail": {}}""";

    @Test
    void theScheduledFunctionDeliversWhatTheHttpFunctionQueued() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        try (LambdaEnvironment environment = new LambdaEnvironment(Map.of("mondrian.webhook-allowed-hosts", "127.0.0.1"))) {
            FunctionInvoker httpApi = environment.handler("httpApi");
            JsonNode created = ApiGatewayEvents.invoke(httpApi, ApiGatewayEvents.httpApi("POST /api/jobs", Map.of(), null,
                    "{\"prompt\": \"p\", \"webhook\": \"" + url + "\", \"webhook_events\": [\"completed\"]}"));
            assertThat(created.get("statusCode").asInt()).as(created.toString()).isEqualTo(201);
            String id = ApiGatewayEvents.JSON.readTree(created.get("body").asString()).get("job_id").asString();
            JsonNode refused = ApiGatewayEvents.invoke(httpApi, ApiGatewayEvents.httpApi("POST /api/jobs", Map.of(), null,
                    "{\"prompt\": \"p\", \"webhook\": \"http://10.0.0.7/hook\"}"));
            assertThat(refused.get("statusCode").asInt()).isEqualTo(400);
            assertThat(ApiGatewayEvents.invoke(httpApi, ApiGatewayEvents.httpApi("POST /api/jobs/{id}/cancel",
                    Map.of("id", id), null, null)).get("statusCode").asInt()).isEqualTo(200);
            assertThat(bodies).as("nothing runs between requests on Lambda").isEmpty();

            FunctionInvoker deliveries = environment.handler("housekeeping");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            deliveries.handleRequest(new ByteArrayInputStream(SCHEDULED_EVENT.getBytes(StandardCharsets.UTF_8)), out, null);
            JsonNode done = ApiGatewayEvents.JSON.readTree(out.toByteArray());
            assertThat(done.get("attempted").asInt()).isEqualTo(1);
            assertThat(done.get("deleted").asInt()).as("no retention set: nothing deleted").isZero();
            assertThat(bodies).hasSize(1);
            assertThat(bodies.getFirst()).contains("\"job_id\":\"" + id + "\"", "\"status\":\"cancelled\"");
        } finally {
            receiver.stop(0);
        }
    }
}
