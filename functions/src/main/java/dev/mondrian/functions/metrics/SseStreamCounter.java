package dev.mondrian.functions.metrics;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Counts a job's SSE stream from the moment its request thread hands it over (an asynchronous
 * {@code text/event-stream} response, as {@code SseStreams} serves) until the response completes, which keeps
 * the stream code free of metrics. The operator's stream of every job is not a job's stream and is not counted.
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
        chain.doFilter(request, response);
        String type = response.getContentType();
        if (!request.isAsyncStarted() || type == null || !type.startsWith("text/event-stream")) {
            return;
        }
        streams.sseOpened();
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
}
