package dev.mondrian.functions.events;

import dev.mondrian.functions.jobs.Jobs;
import dev.mondrian.functions.metrics.OpenStreams;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class WebSocketRoutes implements WebSocketConfigurer {
    private final JobWebSocket handler;
    private final OpenStreams openStreams;

    WebSocketRoutes(Jobs jobs, EventPump pump, JsonMapper json, OpenStreams openStreams) {
        this.handler = new JobWebSocket(jobs, pump, json);
        this.openStreams = openStreams;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        // Job data is reachable only through its unguessable id, so any origin may connect.
        registry.addHandler(openStreams.counting(handler), "/api/jobs/*/ws").addInterceptors(handler)
                .setAllowedOriginPatterns("*");
    }
}
