package dev.mondrian.functions.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.ServiceTest;
import dev.mondrian.functions.support.TestImages;
import dev.mondrian.protocol.RunnerRoutes;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The service as AWS Lambda runs it: Spring Cloud Function's real handler ({@link FunctionInvoker}, which starts
 * the application itself) fed API Gateway HTTP API events (payload format 2.0, the shape AWS documents), its
 * output read as API Gateway reads it. The database is a real SQLite file in a temporary folder.
 */
class HttpApiLambdaTest {
    private static final JsonMapper JSON = ApiGatewayEvents.JSON;
    private static LambdaEnvironment environment;
    private static FunctionInvoker handler;

    @BeforeAll
    static void start() throws Exception {
        environment = new LambdaEnvironment(Map.of());
        handler = environment.handler("httpApi");
    }

    @AfterAll
    static void clear() {
        environment.close();
    }

    @Test
    void aJobGoesFromCreatedToCompletedThroughTheHandler() throws Exception {
        byte[] png = TestImages.png(40, 30);
        JsonNode created = invoke(request("POST /api/jobs", Map.of(), null,
                "{\"prompt\": \"from lambda\", \"max_tokens\": 64, \"image\": \"" + Base64.getEncoder().encodeToString(png) + "\"}"));
        assertThat(created.get("statusCode").asInt()).as(created.toString()).isEqualTo(201);
        JsonNode job = JSON.readTree(created.get("body").asString());
        String id = job.get("job_id").asString();
        assertThat(created.get("headers").get("Location").asString()).isEqualTo(job.get("links").get("self").asString());
        assertThat(body(invoke(request("GET /api/jobs/{id}", Map.of("id", id), null, null))).get("status").asString())
                .isEqualTo("queued");

        assertThat(invoke(request("POST /api/runner/claim", Map.of(), null, "{}")).get("statusCode").asInt()).isEqualTo(401);
        JsonNode claim = body(invoke(request("POST /api/runner/claim", Map.of(), ServiceTest.RUNNER_TOKEN,
                "{\"runner_id\": \"lambda-test\", \"wait_ms\": 0}")));
        assertThat(claim.get("job_id").asString()).isEqualTo(id);
        String lease = "\"lease_id\": \"" + claim.get("lease").get("id").asString() + "\", \"lease_epoch\": "
                + claim.get("lease").get("epoch").asLong();

        JsonNode image = invoke(request("GET /api/runner/jobs/{id}/image", Map.of("id", id), ServiceTest.RUNNER_TOKEN, null));
        assertThat(image.get("isBase64Encoded").asBoolean()).isTrue();
        assertThat(image.get("headers").get("Content-Type").asString()).isEqualTo("image/png");
        assertThat(Base64.getDecoder().decode(image.get("body").asString())).isEqualTo(png);

        // API Gateway may hand a body over base64-encoded; it reads the same.
        ObjectNode thinking = request("POST /api/runner/jobs/{id}/thinking", Map.of("id", id), ServiceTest.RUNNER_TOKEN,
                Base64.getEncoder().encodeToString(("{" + lease + ", \"update_seq\": 1, \"tokens\": 12, \"text\": \"Seen \"}")
                        .getBytes(StandardCharsets.UTF_8)));
        thinking.put("isBase64Encoded", true);
        assertThat(body(invoke(thinking)).get("duplicate").asBoolean()).isFalse();
        assertThat(body(invoke(request("POST /api/runner/jobs/{id}/complete", Map.of("id", id), ServiceTest.RUNNER_TOKEN,
                "{" + lease + ", \"analysis\": \"Seen from Lambda\"}"))).get("status").asString()).isEqualTo("completed");

        JsonNode done = body(invoke(request("GET /api/jobs/{id}", Map.of("id", id), null, null)));
        assertThat(done.get("status").asString()).isEqualTo("completed");
        assertThat(done.get("analysis").asString()).isEqualTo("Seen from Lambda");
        // The original service's routes and the health check come through the same table.
        assertThat(body(invoke(request("GET /status/{id}", Map.of("id", id), null, null))).get("status").asString())
                .isEqualTo("completed");
        JsonNode page = invoke(request("GET /analysis/{id}", Map.of("id", id), null, null));
        assertThat(page.get("headers").get("Content-Type").asString()).startsWith("text/html");
        assertThat(page.get("body").asString()).contains("Seen from Lambda");
        assertThat(body(invoke(request("GET /health", Map.of(), null, null))).get("database").asString()).isEqualTo("ok");
        ObjectNode list = request("GET /api/jobs", Map.of(), ServiceTest.ADMIN_TOKEN, null);
        list.putObject("queryStringParameters").put("limit", "1");
        assertThat(body(invoke(list)).get(0).get("job_id").asString()).isEqualTo(id);
    }

    @Test
    void badRequestsGetTheContractsErrorsAsJson() throws Exception {
        assertError(invoke(request("GET /api/jobs/{id}", Map.of("id", "nope"), null, null)), 404, "no job with id 'nope'");
        assertError(invoke(request("POST /api/jobs", Map.of(), null, "{not json")), 400, "not valid JSON");
        assertError(invoke(request("POST /api/jobs", Map.of(), null, "{\"prompt\": \"p\", \"max_tokens\": \"lots\"}")), 400, "max_tokens");
        assertError(invoke(request("POST /api/jobs", Map.of(), null, null)), 400, "body is required");
        assertError(invoke(request("GET /api/jobs", Map.of(), "wrong", null)), 401, "admin token");
        assertError(invoke(request("DELETE /api/everything", Map.of(), null, null)), 404, "no such route");
    }

    private static void assertError(JsonNode response, int status, String message) {
        assertThat(response.get("statusCode").asInt()).as(response.toString()).isEqualTo(status);
        assertThat(response.get("headers").get("Content-Type").asString()).isEqualTo("application/json");
        assertThat(JSON.readTree(response.get("body").asString()).get("error").asString()).contains(message);
    }

    /** Every runner route is dispatched (not "no such route") and guarded: without the runner token, 401. */
    @Test
    void everyRunnerRouteIsServedAndNeedsTheRunnerToken() throws Exception {
        for (RunnerRoutes.Route route : RunnerRoutes.ALL) {
            JsonNode refused = invoke(request(route.key(), Map.of("id", "j1"), null, "{}"));
            assertThat(refused.get("statusCode").asInt()).as(route.key() + ": " + refused).isEqualTo(401);
        }
        assertThat(invoke(request("POST /api/runner/nowhere", Map.of(), ServiceTest.RUNNER_TOKEN, "{}"))
                .get("statusCode").asInt()).isEqualTo(404);
    }

    /** infra/ sends every request to one $default route: the row is found by method and path, as on a server. */
    @Test
    void oneDefaultRouteServesEveryRowByItsMethodAndPath() throws Exception {
        JsonNode created = invoke(viaDefault(request("POST /api/jobs", Map.of(), null, "{\"prompt\": \"by path\"}")));
        assertThat(created.get("statusCode").asInt()).as(created.toString()).isEqualTo(201);
        String id = JSON.readTree(created.get("body").asString()).get("job_id").asString();
        assertThat(body(invoke(viaDefault(request("GET /api/jobs/{id}", Map.of("id", id), null, null))))
                .get("prompt").asString()).isEqualTo("by path");
        assertError(invoke(viaDefault(request("POST /api/runner/jobs/{id}/heartbeat", Map.of("id", id), null, "{}"))),
                401, "runner token");
        assertError(invoke(viaDefault(request("GET /api/jobs/{id}/events", Map.of("id", id), null, null))), 404,
                "no such route: GET /api/jobs/" + id + "/events");
        assertThat(body(invoke(viaDefault(request("POST /api/jobs/{id}/cancel", Map.of("id", id), null, null))))
                .get("status").asString()).isEqualTo("cancelled");
    }

    /** On Lambda too, an operator's adapter choice is checked against what a runner said at its claim. */
    @Test
    void anAdapterChoiceIsCheckedAgainstTheRunnersAdapters() throws Exception {
        int claimed = invoke(request("POST /api/runner/claim", Map.of(), ServiceTest.RUNNER_TOKEN,
                "{\"runner_id\": \"lambda-runner\", \"wait_ms\": 0, \"adapters\": [\"mondrian-lora\"]}"))
                .get("statusCode").asInt();
        assertThat(claimed).isIn(200, 204);
        Map<String, String> advisor = Map.of("id", "mondrian");
        JsonNode chosen = body(invoke(viaDefault(request("PUT /api/admin/advisors/{id}/adapter", advisor,
                ServiceTest.ADMIN_TOKEN, "{\"adapter\": \"mondrian-lora\"}"))));
        assertThat(chosen.get("runners").toString()).isEqualTo("[\"lambda-runner\"]");
        assertError(invoke(viaDefault(request("PUT /api/admin/advisors/{id}/adapter", advisor, ServiceTest.ADMIN_TOKEN,
                "{\"adapter\": \"other-lora\"}"))), 409, "no runner present holds adapter 'other-lora'");
        assertThat(body(invoke(viaDefault(request("DELETE /api/admin/advisors/{id}/adapter", advisor,
                ServiceTest.ADMIN_TOKEN, null)))).get("chosen").asBoolean()).isFalse();
    }

    private static ObjectNode viaDefault(ObjectNode event) {
        event.put("routeKey", "$default").remove("pathParameters");
        ((ObjectNode) event.get("requestContext")).put("routeKey", "$default");
        return event;
    }

    private static ObjectNode request(String routeKey, Map<String, String> pathParameters, String token, String body) {
        return ApiGatewayEvents.httpApi(routeKey, pathParameters, token, body);
    }

    private static JsonNode invoke(ObjectNode event) throws Exception {
        return ApiGatewayEvents.invoke(handler, event);
    }

    private static JsonNode body(JsonNode response) {
        assertThat(response.get("statusCode").asInt()).as(response.toString()).isEqualTo(200);
        return JSON.readTree(response.get("body").asString());
    }
}
