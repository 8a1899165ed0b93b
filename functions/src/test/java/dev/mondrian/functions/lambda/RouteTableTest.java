package dev.mondrian.functions.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.http.ApiRoute;
import dev.mondrian.functions.http.RouteTable;
import dev.mondrian.functions.support.ServiceTest;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The route table is what the server serves, row for row, and AWS Lambda serves every row whose handler needs no
 * server: so a route added to a controller reaches both, with its token, or this names the one it cannot reach.
 */
class RouteTableTest extends ServiceTest {
    /** The streams hold their response open; the original service's upload is multipart. */
    private static final Set<String> SERVER_ONLY = Set.of("GET /api/jobs/{id}/events", "GET /stream/{id}",
            "GET /api/admin/events", "POST /upload");

    @Autowired
    private RouteTable table;

    @Autowired
    private HttpApiRoutes lambda;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mvc;

    @Test
    void theTableIsExactlyWhatTheServerServes() {
        Set<String> served = new TreeSet<>();
        // Less Spring Boot's error page and springdoc's document, which are the frameworks' routes.
        mvc.getHandlerMethods().forEach((info, handler) -> info.getPatternValues().stream()
                .filter(pattern -> handler.getBeanType().getPackageName().startsWith("dev.mondrian."))
                .forEach(pattern -> info.getMethodsCondition().getMethods()
                        .forEach(method -> served.add(method.name() + " " + pattern))));
        Set<String> rows = new TreeSet<>(table.all().stream().map(ApiRoute::key).toList());
        assertThat(rows).isEqualTo(served);
    }

    @Test
    void lambdaServesEveryRowButTheServersOwn() {
        Set<String> expected = new TreeSet<>(table.all().stream().map(ApiRoute::key).toList());
        expected.removeAll(SERVER_ONLY);
        assertThat(new TreeSet<>(lambda.keys())).isEqualTo(expected);
    }
}
