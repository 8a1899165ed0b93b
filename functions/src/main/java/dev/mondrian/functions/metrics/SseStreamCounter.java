package dev.mondrian.functions.metrics;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Counts a response as an open SSE stream from the moment it declares {@code text/event-stream} until it ends, which
 * keeps the stream code free of metrics. A stream served on the request's own thread (the operator's) ends with the
 * request; an asynchronous one (a job's, {@code SseStreams}) when its asynchronous response completes.
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
            if (request.isAsyncStarted()) {
                countUntilComplete(request, watched);
            } else if (watched.counted) {
                streams.sseClosed();
            }
        }
    }

    /** The stream goes on after this request thread returns: counted until its asynchronous response completes. */
    private void countUntilComplete(HttpServletRequest request, Watched watched) {
        String type = watched.getContentType();
        if (!watched.counted && (type == null || !type.startsWith("text/event-stream"))) {
            return;
        }
        if (!watched.counted) {
            streams.sseOpened();
        }
        try {
            request.getAsyncContext().addListener(new AsyncListener() {
                @Override
                public void onComplete(AsyncEvent event) {
                    streams.sseClosed();
                }

                @Override
                public void onTimeout(AsyncEvent event) {}

                @Override
                public void onError(AsyncEvent event) {}

                @Override
                public void onStartAsync(AsyncEvent event) {}
            });
        } catch (IllegalStateException alreadyComplete) {
            // The stream ended before this thread got here (a finished job's short replay).
            streams.sseClosed();
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
