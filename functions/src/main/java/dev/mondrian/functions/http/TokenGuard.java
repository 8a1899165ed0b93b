package dev.mondrian.functions.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
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
    /** The most of a refused request's body read before answering. */
    private static final long DRAIN_LIMIT = 64 * 1024;

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
                refuse(request, response, ErrorResponses.refused(required, caller));
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
            refuse(request, response, ErrorResponses.refused(role, caller));
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

    private void refuse(HttpServletRequest request, HttpServletResponse response, ResponseEntity<ApiError> refusal)
            throws IOException {
        drain(request, response);
        ErrorResponses.write(response, refusal, json);
    }

    /**
     * Reads what is left of a refused request's body (up to {@link #DRAIN_LIMIT} bytes) before answering. Jetty closes
     * a connection whose request body was not read when the answer completes; a body that had not arrived by then
     * (a client may send it after the headers) left the connection closed without notice, and a client reusing it
     * for its next request saw the connection end with no answer (CompatibilityTest failed so once in CI). A larger
     * body is not read: the answer says the connection closes.
     */
    private static void drain(HttpServletRequest request, HttpServletResponse response) throws IOException {
        InputStream body = request.getInputStream();
        byte[] buffer = new byte[8192];
        long left = DRAIN_LIMIT;
        int read;
        while (left > 0 && (read = body.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
            left -= read;
        }
        if (left == 0 && body.read() >= 0) {
            response.setHeader("Connection", "close");
        }
    }
}
