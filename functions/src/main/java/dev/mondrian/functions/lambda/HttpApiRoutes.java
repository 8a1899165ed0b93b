package dev.mondrian.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.mondrian.functions.http.ApiRoute;
import dev.mondrian.functions.http.Caller;
import dev.mondrian.functions.http.Credentials;
import dev.mondrian.functions.http.ErrorResponses;
import dev.mondrian.functions.http.RouteTable;
import dev.mondrian.functions.logging.LogScope;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Component;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service's request/response routes as an API Gateway HTTP API (payload format 2.0) hands them to Lambda: the
 * {@link RouteTable}'s rows, found by the route key when the API routes each ("POST /api/jobs") or by method and path
 * when it sends everything to one {@code $default} route (as infra/ does, so the API never lists routes of its own),
 * their token checked, their handler called with arguments from the event, its answer and its failures turned into
 * responses as on a server. Rows whose handler needs a server (a multipart upload, a stream's open response) are not
 * served here: on Lambda a new job's image is uploaded to S3 first ({@code POST /api/uploads}, then {@code image_key})
 * or travels in the JSON body, and the streams are API Gateway's WebSocket API.
 */
@Component
class HttpApiRoutes {
    private final Map<String, ApiRoute> routes;
    private final List<Map.Entry<PathPattern, ApiRoute>> patterns;
    private final Credentials credentials;
    private final GatewayArguments arguments;
    private final GatewayResponses responses;

    HttpApiRoutes(RouteTable table, Credentials credentials, JsonMapper json) {
        this.routes = servedOnLambda(table);
        PathPatternParser parser = new PathPatternParser();
        this.patterns = routes.values().stream().map(route -> Map.entry(parser.parse(route.template()), route))
                .sorted(Map.Entry.comparingByKey(PathPattern.SPECIFICITY_COMPARATOR)).toList();
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

    /** The route keys served here. */
    Set<String> keys() {
        return routes.keySet();
    }

    /** Every line logged while a route with a job id in its path is handled carries it (LogScope). */
    APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
        Optional<Match> match = match(event);
        String jobId = match.map(m -> m.pathParameters().get("id")).orElse(null);
        try (var fields = LogScope.of(jobId, null)) {
            return match.map(m -> dispatch(m, event)).orElseGet(() -> responses.of(ErrorResponses.error(
                    HttpStatus.NOT_FOUND, "no such route: " + method(event) + " " + event.getRawPath())));
        }
    }

    private record Match(ApiRoute route, Map<String, String> pathParameters) {}

    private Optional<Match> match(APIGatewayV2HTTPEvent event) {
        ApiRoute keyed = event.getRouteKey() == null ? null : routes.get(event.getRouteKey());
        if (keyed != null) {
            return Optional.of(new Match(keyed, event.getPathParameters() == null ? Map.of() : event.getPathParameters()));
        }
        String method = method(event);
        PathContainer path = PathContainer.parsePath(event.getRawPath() == null ? "" : event.getRawPath());
        for (Map.Entry<PathPattern, ApiRoute> pattern : patterns) {
            if (pattern.getValue().method().equals(method)) {
                PathPattern.PathMatchInfo matched = pattern.getKey().matchAndExtract(path);
                if (matched != null) {
                    return Optional.of(new Match(pattern.getValue(), matched.getUriVariables()));
                }
            }
        }
        return Optional.empty();
    }

    private static String method(APIGatewayV2HTTPEvent event) {
        var context = event.getRequestContext();
        return context == null || context.getHttp() == null ? "" : context.getHttp().getMethod();
    }

    private APIGatewayV2HTTPResponse dispatch(Match match, APIGatewayV2HTTPEvent event) {
        ApiRoute route = match.route();
        // HTTP API lower-cases header names.
        Caller caller = Caller.of(event.getHeaders() == null ? null : event.getHeaders().get("authorization"),
                event.getQueryStringParameters() == null ? null : event.getQueryStringParameters().get("token"),
                match.pathParameters().get("id"));
        if (!credentials.allows(route.token(), caller)) {
            return responses.of(ErrorResponses.refused(route.token(), caller));
        }
        String where = route.key() + " " + event.getRawPath();
        try {
            Object[] values = arguments.bind(route.handler().getParameters(), match.pathParameters(), event);
            return responses.of(route.handler().invoke(route.bean(), values));
        } catch (InvocationTargetException e) {
            return responses.of(ErrorResponses.failure(e.getCause() instanceof Exception cause ? cause
                    : new IllegalStateException(e.getCause()), where));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return responses.of(ErrorResponses.failure(e, where));
        }
    }
}
