package dev.mondrian.functions.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import tools.jackson.databind.json.JsonMapper;

/**
 * Enforces {@link RequiresToken} on controller routes, and the runner token on the whole generic
 * function surface under {@code /fn/}, which spring-cloud-function-web serves outside MVC's
 * interceptors. A missing or wrong token is a 401 that changes nothing.
 */
@Component
public class TokenGuard extends OncePerRequestFilter implements HandlerInterceptor {
    private final Tokens tokens;
    private final JsonMapper json;

    public TokenGuard(Tokens tokens, JsonMapper json) {
        this.tokens = tokens;
        this.json = json;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws IOException {
        if (handler instanceof HandlerMethod method) {
            RequiresToken required = method.getMethodAnnotation(RequiresToken.class);
            if (required != null && !allowed(required.value(), request)) {
                refuse(response, required.value());
                return false;
            }
        }
        return true;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/fn/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (allowed(RequiresToken.Role.RUNNER, request)) {
            chain.doFilter(request, response);
        } else {
            refuse(response, RequiresToken.Role.RUNNER);
        }
    }

    private boolean allowed(RequiresToken.Role role, HttpServletRequest request) {
        String bearer = Tokens.bearer(request.getHeader("Authorization"));
        return switch (role) {
            case RUNNER -> tokens.isRunner(bearer);
            case ADMIN -> tokens.isAdmin(bearer);
        };
    }

    private void refuse(HttpServletResponse response, RequiresToken.Role role) throws IOException {
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        response.setContentType("application/json");
        response.setHeader("WWW-Authenticate", "Bearer");
        String who = role == RequiresToken.Role.RUNNER ? "runner" : "admin";
        json.writeValue(response.getOutputStream(), new ApiError("missing or wrong " + who + " token"));
    }
}
