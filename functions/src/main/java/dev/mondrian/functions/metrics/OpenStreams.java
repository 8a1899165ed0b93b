package dev.mondrian.functions.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;

/**
 * {@code mondrian.streams.open}: the SSE and WebSocket streams this instance holds open now. SSE streams are
 * counted by {@link SseStreamCounter}; WebSocket sessions by the handler {@link #counting} wraps.
 */
@Component
public class OpenStreams {
    private final AtomicInteger sse = new AtomicInteger();
    private final AtomicInteger websocket = new AtomicInteger();

    public OpenStreams(MeterRegistry registry) {
        register(registry, "sse", sse);
        register(registry, "websocket", websocket);
    }

    private static void register(MeterRegistry registry, String transport, AtomicInteger open) {
        Gauge.builder("mondrian.streams.open", open, AtomicInteger::get).tag("transport", transport)
                .description("Event streams open on this instance").register(registry);
    }

    void sseOpened() {
        sse.incrementAndGet();
    }

    void sseClosed() {
        sse.decrementAndGet();
    }

    /** The handler, counting its sessions from establishment to close. */
    public WebSocketHandler counting(WebSocketHandler handler) {
        return new WebSocketHandlerDecorator(handler) {
            @Override
            public void afterConnectionEstablished(WebSocketSession session) throws Exception {
                // Counted first: a handler that fails here still gets afterConnectionClosed, which uncounts it.
                websocket.incrementAndGet();
                super.afterConnectionEstablished(session);
            }

            @Override
            public void afterConnectionClosed(WebSocketSession session, CloseStatus status) throws Exception {
                websocket.decrementAndGet();
                super.afterConnectionClosed(session, status);
            }
        };
    }
}
