package dev.mondrian.functions.http;

import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * A deeper accept queue and a smaller response buffer per connection. After a restart every watcher reconnects
 * at once: with the JVM's default queue of 50, most of 10 000 connection attempts were dropped and retried by TCP
 * seconds later (docs/RELIABILITY.md). And an open event stream holds its connection's output buffer for as long
 * as the job runs; Jetty's default is 32 kB (off-heap), so 10 000 watchers would pin 320 MB for frames of a few
 * hundred bytes. Larger bodies (the page's files, a runner's image) are written past the buffer anyway.
 */
@Component
class JettyConnections implements WebServerFactoryCustomizer<JettyServletWebServerFactory> {
    static final int OUTPUT_BUFFER = 4096;
    /** Connections the kernel holds for the acceptor (it caps this at net.core.somaxconn). */
    static final int ACCEPT_QUEUE = 8192;

    @Override
    public void customize(JettyServletWebServerFactory factory) {
        factory.addServerCustomizers(server -> {
            for (var connector : server.getConnectors()) {
                if (connector instanceof ServerConnector network) {
                    network.setAcceptQueueSize(ACCEPT_QUEUE);
                }
                HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
                if (http != null) {
                    http.getHttpConfiguration().setOutputBufferSize(OUTPUT_BUFFER);
                }
            }
        });
    }
}
