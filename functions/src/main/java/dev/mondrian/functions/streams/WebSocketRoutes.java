package dev.mondrian.functions.streams;

import dev.mondrian.functions.events.EventPump;
import dev.mondrian.functions.http.Credentials;
import dev.mondrian.functions.jobs.JobService;
import dev.mondrian.functions.metrics.OpenStreams;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class WebSocketRoutes implements WebSocketConfigurer {
    private final JobWebSocket handler;
    private final OpenStreams openStreams;

    WebSocketRoutes(JobService jobs, EventPump pump, JsonMapper json, OpenStreams openStreams, Credentials credentials) {
        this.handler = new JobWebSocket(jobs, pump, json, credentials);
        this.openStreams = openStreams;
    }

    /** Clients only listen on this route, so small inbound buffers keep each open socket cheap. */
    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    ServletServerContainerFactoryBean webSocketContainer() {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(1024);
        container.setMaxBinaryMessageBufferSize(1024);
        return container;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        // Job data is reachable only through its unguessable id (and, with client keys on, a read token), so any
        // origin may connect.
        registry.addHandler(openStreams.counting(handler), "/api/jobs/*/ws").addInterceptors(handler)
                .setAllowedOriginPatterns("*");
    }
}
