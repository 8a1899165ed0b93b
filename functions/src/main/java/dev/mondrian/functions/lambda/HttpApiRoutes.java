package dev.mondrian.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.mondrian.functions.http.ApiException;
import dev.mondrian.functions.http.ApiRoute;
import dev.mondrian.functions.http.Credentials;
import dev.mondrian.functions.http.ErrorResponses;
import dev.mondrian.functions.http.RouteTable;
import dev.mondrian.functions.logging.LogScope;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service's request/response routes as an API Gateway HTTP API (payload format 2.0) hands them to Lambda: the
 * {@link RouteTable}'s rows, looked up by the route key ("POST /api/jobs"), their token checked, their handler called
 * with arguments from the event, its answer and its failures turned into responses as on a server. Rows whose handler
 * needs a server (a multipart upload, a stream's open response) are not served here: on Lambda a new job's image is
 * uploaded to S3 first ({@code POST /api/uploads}, then {@code image_key}) or travels in the JSON body, and the streams
 * are API Gateway's WebSocket API.
 */
@Component
class HttpApiRoutes {
    private final Map<String, ApiRoute> routes;
    private final Credentials credentials;
    private final GatewayArguments arguments;
    private final GatewayResponses responses;

    HttpApiRoutes(RouteTable table, Credentials credentials, JsonMapper json) {
        this.routes = servedOnLambda(table);
        this.credentials = credentials;
        this.arguments = new GatewayArguments(json);
        this.responses = new GatewayResponses(json);
    }

    /** Exactly one row per key: where a route has a form and a JSON handler (POST /api/jobs), the JSON one. */
    private static Map<String, ApiRoute> servedOnLambda(RouteTable table) {
        Map<String, ApiRoute> served = new TreeMap<>();
        table.all().stream().filter(route -> route.parameters().stream().allMatch(GatewayArguments::canBind))
                .forEach(route -> {
                    if (served.put(route.key(), route) != null) {
                        throw new IllegalStateException("two handlers for " + route.key() + " on Lambda");
                    }
                });
        return served;
    }

    /** The route keys served here: what the HTTP API's routes may name. */
    Set<String> keys() {
        return routes.keySet();
    }

    /** Every line logged while a route with a job id in its path is handled carries it (LogScope). */
    APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
        String jobId = event.getPathParameters() == null ? null : event.getPathParameters().get("id");
        try (var fields = LogScope.of(jobId, null)) {
            return dispatch(event);
        }
    }

    private APIGatewayV2HTTPResponse dispatch(APIGatewayV2HTTPEvent event) {
        String key = event.getRouteKey();
        ApiRoute route = key == null ? null : routes.get(key);
        if (route == null) {
            return responses.of(ErrorResponses.error(HttpStatus.NOT_FOUND, "no such route: " + key));
        }
        String bearer = event.getHeaders() == null ? null : Credentials.bearer(event.getHeaders().get("authorization"));
        if (!credentials.allows(route.token(), bearer)) {
            return responses.of(ErrorResponses.refused(route.token()));
        }
        try {
            return responses.of(route.handler().invoke(route.bean(), arguments.bind(route.handler().getParameters(), event)));
        } catch (ApiException e) {
            return responses.of(ErrorResponses.failure(e, key));
        } catch (InvocationTargetException e) {
            return responses.of(ErrorResponses.failure(e.getCause() instanceof Exception cause ? cause
                    : new IllegalStateException(e.getCause()), key + " " + event.getRawPath()));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return responses.of(ErrorResponses.failure(e, key + " " + event.getRawPath()));
        }
    }
}
