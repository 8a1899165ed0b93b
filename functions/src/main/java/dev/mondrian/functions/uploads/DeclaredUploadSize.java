package dev.mondrian.functions.uploads;

import dev.mondrian.functions.http.ErrorResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses a form whose declared length is over the multipart limit before any of its body is read. A client
 * that asked to continue first (curl does for bodies over 1 MB) then gets the 413 without sending the photo;
 * refused midway through the body instead, the rest stays unread and the connection can be reset under the
 * answer, so the client sees a broken connection rather than the reason.
 */
@Component
class DeclaredUploadSize extends OncePerRequestFilter {
    private final long maxRequestBytes;
    private final JsonMapper json;

    DeclaredUploadSize(MultipartConfigElement multipart, JsonMapper json) {
        this.maxRequestBytes = multipart.getMaxRequestSize();
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String type = request.getContentType();
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/")
                && request.getContentLengthLong() > maxRequestBytes) {
            ErrorResponses.write(response, ErrorResponses.error(HttpStatus.CONTENT_TOO_LARGE, ErrorResponses.TOO_LARGE),
                    json);
            return;
        }
        chain.doFilter(request, response);
    }
}
