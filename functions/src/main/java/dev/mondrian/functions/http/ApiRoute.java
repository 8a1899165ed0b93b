package dev.mondrian.functions.http;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.List;

/**
 * One row of the route table: a method and path template (as API Gateway keys a route: {@code "GET /api/jobs/{id}"}),
 * the token it needs (null: none), and the handler that serves it.
 */
public record ApiRoute(String method, String template, RequiresToken.Role token, Object bean, Method handler) {
    public String key() {
        return method + " " + template;
    }

    public List<Parameter> parameters() {
        return List.of(handler.getParameters());
    }
}
