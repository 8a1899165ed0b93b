package dev.mondrian.functions.metrics;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Counts a response as an open SSE stream from the moment it declares {@code text/event-stream} until its request
 * ends, which keeps the stream code free of metrics. It relies on streams being served on the request's own thread
 * (as {@code SseStreams} does): the request ends when the stream does.
 */
@Component
class SseStreamCounter extends OncePerRequestFilter {
    private final OpenStreams streams;

    SseStreamCounter(OpenStreams streams) {
        this.streams = streams;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"GET".equals(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Watched watched = new Watched(response);
        try {
            chain.doFilter(request, watched);
        } finally {
            if (watched.counted) {
                streams.sseClosed();
            }
        }
    }

    private final class Watched extends HttpServletResponseWrapper {
        private boolean counted;

        Watched(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void setContentType(String type) {
            super.setContentType(type);
            if (!counted && type != null && type.startsWith("text/event-stream")) {
                counted = true;
                streams.sseOpened();
            }
        }
    }
}
