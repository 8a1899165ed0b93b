package dev.mondrian.functions.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.mondrian.functions.support.ServiceTest;
import java.util.List;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;

/** The running server's connectors carry {@link JettyConnections}' settings. */
class JettyConnectionsTest extends ServiceTest {
    @Autowired
    ServletWebServerApplicationContext context;

    @Test
    void everyConnectorHasTheDeepQueueTheSmallBufferAndNoHeaderCache() {
        List<ServerConnector> connectors = List.of(((JettyWebServer) context.getWebServer()).getServer().getConnectors())
                .stream().map(ServerConnector.class::cast).toList();
        assertFalse(connectors.isEmpty());
        for (ServerConnector connector : connectors) {
            assertEquals(JettyConnections.ACCEPT_QUEUE, connector.getAcceptQueueSize());
            HttpConfiguration http = connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration();
            assertEquals(JettyConnections.OUTPUT_BUFFER, http.getOutputBufferSize());
            assertEquals(0, http.getHeaderCacheSize(), "a header cache per connection holds ~100 kB of heap");
        }
    }
}
