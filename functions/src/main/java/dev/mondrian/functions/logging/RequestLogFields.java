package dev.mondrian.functions.logging;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Every line logged while a route with a job id in its path ({@code /api/jobs/{id}/...}, the runner's callbacks, the
 * original service's routes) is handled carries that {@code job_id}, the error the request may end in included.
 */
@Component
public class RequestLogFields implements HandlerInterceptor {
    private static final String SCOPE = RequestLogFields.class.getName() + ".scope";

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> variables
                && variables.get("id") instanceof String jobId) {
            request.setAttribute(SCOPE, LogScope.of(jobId, null));
        }
        return true;
    }

    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler, Exception e) {
        if (request.getAttribute(SCOPE) instanceof LogScope.Scope scope) {
            scope.close();
        }
    }
}
