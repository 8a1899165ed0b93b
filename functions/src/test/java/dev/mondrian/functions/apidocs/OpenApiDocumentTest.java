package dev.mondrian.functions.apidocs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.http.RequiresToken;
import dev.mondrian.functions.support.FakeRunner.Claim;
import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.ServiceTest;
import dev.mondrian.functions.support.SseClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.ApplicationContext;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.socket.server.support.WebSocketHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document served at {@code /api/openapi} against the running service: it lists exactly the routes the
 * service answers (every MVC handler method and every WebSocket endpoint), marks exactly the token-guarded ones, and
 * names the fields of real responses and events as the service writes them.
 */
class OpenApiDocumentTest extends ServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Spring Boot's error page: the target of the servlet container's error forwards, not a route of the contract. */
    private static final String ERROR_PAGE = "/error";

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mvcRoutes;

    @Autowired
    private ApplicationContext context;

    private JsonNode document() {
        Http.Response response = http.get("/api/openapi");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    /** "GET /api/jobs/{}": path variables and wildcards alike become {} so Spring's and OpenAPI's spellings compare. */
    private static String route(String method, String path) {
        return method.toUpperCase() + " " + path.replaceAll("\\{[^}/]+}|(?<=/)\\*(?=/|$)", "{}");
    }

    /** Every route the service answers, with the handler method behind each MVC route. */
    private Map<String, HandlerMethod> servedRoutes() {
        Map<String, HandlerMethod> routes = new HashMap<>();
        mvcRoutes.getHandlerMethods().forEach((info, handler) -> info.getPatternValues().forEach(pattern -> {
            if (pattern.equals(ERROR_PAGE)) {
                return;
            }
            assertThat(info.getMethodsCondition().getMethods()).as("%s answers every HTTP method", pattern).isNotEmpty();
            info.getMethodsCondition().getMethods().forEach(method -> routes.put(route(method.name(), pattern), handler));
        }));
        context.getBeansOfType(WebSocketHandlerMapping.class).values().forEach(mapping ->
                mapping.getHandlerMap().keySet().forEach(pattern -> routes.put(route("GET", pattern), null)));
        return routes;
    }

    private static Map<String, JsonNode> documentedOperations(JsonNode document) {
        Map<String, JsonNode> operations = new HashMap<>();
        document.get("paths").properties().forEach(path -> path.getValue().properties()
                .forEach(operation -> operations.put(route(operation.getKey(), path.getKey()), operation.getValue())));
        return operations;
    }

    @Test
    void theDocumentListsExactlyTheRoutesTheServiceAnswers() {
        Set<String> served = new TreeSet<>(servedRoutes().keySet());
        Set<String> documented = new TreeSet<>(documentedOperations(document()).keySet());

        assertThat(served).as("the service's routes").contains("GET /api/jobs/{}/ws", "POST /api/jobs", "GET /api/openapi");
        Set<String> undocumented = new TreeSet<>(served);
        undocumented.removeAll(documented);
        Set<String> notServed = new TreeSet<>(documented);
        notServed.removeAll(served);
        assertThat(undocumented).as("routes the service answers that the document does not list").isEmpty();
        assertThat(notServed).as("documented routes the service does not answer").isEmpty();
        assertThat(documented).noneMatch(route -> route.contains(" /fn/"));
    }

    @Test
    void exactlyTheTokenGuardedRoutesNameTheirTokenAndEveryErrorIsAnApiError() {
        Map<String, HandlerMethod> served = servedRoutes();
        documentedOperations(document()).forEach((route, operation) -> {
            HandlerMethod handler = served.get(route);
            RequiresToken guard = handler == null ? null : handler.getMethodAnnotation(RequiresToken.class);
            String expected = guard == null ? null : switch (guard.value()) {
                case RUNNER -> "runnerToken";
                case ADMIN -> "adminToken";
                case CLIENT, READER, OWNER -> "clientKey";
            };
            JsonNode security = operation.get("security");
            assertThat(security == null ? null : security.get(0).propertyNames().iterator().next())
                    .as("the token of %s", route).isEqualTo(expected);
            if (expected != null) {
                // A job another key owns is refused like a missing one: 404.
                String refusal = guard.value() == RequiresToken.Role.READER || guard.value() == RequiresToken.Role.OWNER
                        ? "404" : "401";
                assertThat(operation.get("responses").has(refusal)).as("%s answers %s", route, refusal).isTrue();
            }
            operation.get("responses").properties().forEach(response -> {
                if (response.getKey().startsWith("4") || response.getKey().equals("default")) {
                    assertThat(response.getValue().get("content").get("application/json").get("schema").get("$ref").asString())
                            .as("%s %s", route, response.getKey()).isEqualTo("#/components/schemas/ApiError");
                }
            });
        });
    }

    /** The refusals a lease brings (LeaseErrors, written once) reach every callback's entry in the document. */
    @Test
    void everyCallbackUnderALeaseDocumentsItsRefusals() {
        Map<String, JsonNode> byId = new HashMap<>();
        documentedOperations(document()).values().forEach(operation -> byId.put(operation.get("operationId").asString(),
                operation));
        for (String id : new String[] {"heartbeatJob", "thinkingUpdate", "thinkingUpdateBefore", "completeJob", "failJob",
                "releaseJob"}) {
            assertThat(byId).containsKey(id);
            assertThat(byId.get(id).get("responses").propertyNames()).as(id).contains("200", "400", "404", "409");
        }
    }

    @Test
    void theSchemasNameTheFieldsOfRealResponsesAndEvents() throws Exception {
        JsonNode schemas = document().get("components").get("schemas");
        String completed = http.multipart("/api/jobs", Http.form("prompt", "How is the light?")).json().get("job_id").asString();
        Claim claim = runner.claim(5000);
        assertThat(runner.thinking(claim, "update_seq", 1, "text", "Soft light. ", "tokens", 3, "tokens_per_second", 9.5,
                "prompt_tokens", 12, "elapsed_ms", 300).status()).isEqualTo(200);
        assertThat(runner.complete(claim, "Soft light.").status()).isEqualTo(200);
        String failed = http.multipart("/api/jobs", Http.form("prompt", "And the shadows?")).json().get("job_id").asString();
        assertThat(runner.fail(runner.claim(5000), "the model gave up").status()).isEqualTo(200);

        assertThat(names(http.get("/api/jobs/" + completed).json())).isEqualTo(properties(schemas.get("JobView")));
        assertThat(names(http.get("/api/advisors").json().get(0))).isEqualTo(properties(schemas.get("Advisor")));
        Set<String> types = new HashSet<>();
        for (String id : new String[] {completed, failed}) {
            try (SseClient events = SseClient.open(url("/api/jobs/" + id + "/events")).awaitEnd(WAIT)) {
                events.frames().forEach(frame -> {
                    JsonNode event = Http.JSON.readTree(frame.data());
                    JsonNode schema = eventSchema(schemas, event.get("type").asString());
                    Set<String> fields = properties(schema);
                    fields.addAll(properties(schema.get("allOf").get(0)));
                    assertThat(names(event)).as(frame.event()).isEqualTo(fields);
                    types.add(frame.event());
                });
            }
        }
        assertThat(types).containsExactlyInAnyOrder("status_update", "token", "thinking_update", "analysis_complete",
                "error", "done");
    }

    /** A job is created from a form or from JSON (how AWS Lambda takes it): one operation, both bodies. */
    @Test
    void jobCreationDocumentsTheFormAndTheJsonBody() {
        JsonNode create = document().get("paths").get("/api/jobs").get("post");
        assertThat(create.get("requestBody").get("content").propertyNames()).as(create.toString())
                .contains("multipart/form-data", "application/json");
        String json = create.get("requestBody").get("content").get("application/json").get("schema").get("$ref").asString();
        JsonNode request = document().get("components").get("schemas").get(json.substring(json.lastIndexOf('/') + 1));
        assertThat(properties(request)).containsExactlyInAnyOrder("prompt", "advisor", "mode", "max_tokens", "temperature",
                "update_interval_ms", "image", "image_key", "webhook", "webhook_events");
        assertThat(request.get("properties").get("max_tokens").get("type").toString()).contains("integer");
    }

    @Test
    void theDocumentIsAlsoServedAsYaml() {
        Http.Response yaml = http.get("/api/openapi.yaml");
        assertThat(yaml.status()).isEqualTo(200);
        assertThat(yaml.body()).startsWith("openapi: 3.1.0").contains("/api/jobs/{id}/events:");
    }

    private static JsonNode eventSchema(JsonNode schemas, String type) {
        for (JsonNode ref : schemas.get("JobEvent").get("oneOf")) {
            JsonNode schema = schemas.get(ref.get("$ref").asString().substring("#/components/schemas/".length()));
            if (schema.get("properties").get("type").get("enum").get(0).asString().equals(type)) {
                return schema;
            }
        }
        throw new AssertionError("no JobEvent schema for type " + type);
    }

    private static Set<String> names(JsonNode object) {
        return new TreeSet<>(object.propertyNames());
    }

    private static Set<String> properties(JsonNode schema) {
        return new TreeSet<>(schema.get("properties").propertyNames());
    }
}
