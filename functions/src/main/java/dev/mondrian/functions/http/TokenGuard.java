package dev.mondrian.functions.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import tools.jackson.databind.json.JsonMapper;

/**
 * Enforces {@link RequiresToken} on controller routes (through {@link Credentials#allows}, the rule Lambda applies too), and a token on the two surfaces served outside MVC's
 * interceptors, each as a whole: the runner token on the generic functions under {@code /fn/}
 * (spring-cloud-function-web), the admin token on the actuator's endpoints (the metrics). A missing or wrong token
 * is a 401 that changes nothing.
 */
@Component
public class TokenGuard extends OncePerRequestFilter implements HandlerInterceptor {
    private final Credentials credentials;
    private final JsonMapper json;
    private final String actuatorPath;

    public TokenGuard(Credentials credentials, JsonMapper json,
                      @Value("${management.endpoints.web.base-path:/actuator}") String actuatorPath) {
        this.credentials = credentials;
        this.json = json;
        this.actuatorPath = actuatorPath;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws IOException {
        if (handler instanceof HandlerMethod method) {
            RequiresToken.Role required = RouteTable.token(method.getMethod());
            Caller caller = caller(request);
            if (!credentials.allows(required, caller)) {
                refuse(response, ErrorResponses.refused(required, caller));
                return false;
            }
        }
        return true;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return surface(request) == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        RequiresToken.Role role = surface(request);
        Caller caller = caller(request);
        if (credentials.allows(role, caller)) {
            chain.doFilter(request, response);
        } else {
            refuse(response, ErrorResponses.refused(role, caller));
        }
    }

    /**
     * The token the request's surface needs, or null for none. Judged on the path as the server routes it (decoded,
     * path parameters and dot segments removed), so {@code /%66n/...} or {@code /actuator;x/...} cannot slip past.
     */
    private RequiresToken.Role surface(HttpServletRequest request) {
        String path = request.getServletPath() + Objects.requireNonNullElse(request.getPathInfo(), "");
        if (path.startsWith("/fn/")) {
            return RequiresToken.Role.RUNNER;
        }
        if (path.equals(actuatorPath) || path.startsWith(actuatorPath + "/")) {
            return RequiresToken.Role.ADMIN;
        }
        return null;
    }

    /** The path's job id is known here: the handler mapping matched the route before the interceptors run. */
    private static Caller caller(HttpServletRequest request) {
        Object variables = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        String jobId = variables instanceof Map<?, ?> map && map.get("id") instanceof String id ? id : null;
        return Caller.of(request.getHeader("Authorization"), request.getParameter("token"), jobId);
    }

    private void refuse(HttpServletResponse response, ResponseEntity<ApiError> refusal) throws IOException {
        ErrorResponses.write(response, refusal, json);
    }
}
