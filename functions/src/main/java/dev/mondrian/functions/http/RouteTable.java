package dev.mondrian.functions.http;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.context.ApplicationContext;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.stereotype.Component;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every request/response route of the service, read once from the controllers' handler methods: their mapping
 * (method and path) and their {@link RequiresToken}. The server serves these rows through Spring MVC (which
 * reads the same annotations), AWS Lambda through its dispatcher, which looks rows up here; the OpenAPI document is
 * generated from the same methods. A route is therefore declared in exactly one place: its handler.
 */
@Component
public class RouteTable {
    private static final Map<Method, Optional<RequiresToken.Role>> TOKENS = new ConcurrentHashMap<>();

    private final List<ApiRoute> routes;

    public RouteTable(ApplicationContext context) {
        List<String> packages = AutoConfigurationPackages.get(context);
        List<ApiRoute> rows = new ArrayList<>();
        context.getBeansWithAnnotation(RestController.class).values().forEach(bean -> {
            Class<?> type = AopUtils.getTargetClass(bean);
            // The application's own controllers; springdoc serves the document through one of its own.
            if (packages.stream().noneMatch(type.getPackageName()::startsWith)) {
                return;
            }
            ReflectionUtils.doWithMethods(type, method -> rows.addAll(rows(bean, method)),
                    method -> AnnotatedElementUtils.hasAnnotation(method, RequestMapping.class));
        });
        rows.sort(Comparator.comparing(ApiRoute::template).thenComparing(ApiRoute::method));
        this.routes = List.copyOf(rows);
    }

    public List<ApiRoute> all() {
        return routes;
    }

    /**
     * The token a handler needs, or null: the one rule TokenGuard, the Lambda dispatcher and the document apply. Read
     * once per handler: every request asks.
     */
    public static RequiresToken.Role token(Method handler) {
        return TOKENS.computeIfAbsent(handler, method -> {
            RequiresToken required = AnnotatedElementUtils.findMergedAnnotation(method, RequiresToken.class);
            return Optional.ofNullable(required == null ? null : required.value());
        }).orElse(null);
    }

    private static List<ApiRoute> rows(Object bean, Method method) {
        RequestMapping mapping = AnnotatedElementUtils.findMergedAnnotation(method, RequestMapping.class);
        if (mapping.method().length == 0) {
            throw new IllegalStateException(method + " answers every HTTP method: name one");
        }
        ReflectionUtils.makeAccessible(method);
        List<ApiRoute> rows = new ArrayList<>();
        for (String path : mapping.path()) {
            for (var verb : mapping.method()) {
                rows.add(new ApiRoute(verb.name(), path, token(method), bean, method));
            }
        }
        return rows;
    }
}
