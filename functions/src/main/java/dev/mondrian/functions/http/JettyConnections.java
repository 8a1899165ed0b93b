package dev.mondrian.functions.http;

import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * A deeper accept queue, a smaller response buffer per connection, and no header cache per connection.
 * <ul>
 * <li>After a restart every watcher reconnects at once: with the JVM's default queue of 50, most of 10 000
 * connection attempts were dropped and retried by TCP seconds later (docs/RELIABILITY.md).</li>
 * <li>An open event stream holds its connection's output buffer for as long as the job runs; Jetty's default is
 * 32 kB (off-heap), so 10 000 watchers would pin 320 MB for frames of a few hundred bytes. Larger bodies (the
 * page's files, a runner's image) are written past the buffer anyway.</li>
 * <li>On a kept-alive connection's second request Jetty builds a cache of its header fields, about 100 kB of
 * heap for as long as the connection stays open. Under the load harness's 1 000 runners that was 100 MB of the
 * service's 512 MB heap, and G1 then marked the old generation again and again (docs/BENCHMARKS.md, issue 23).
 * Without it, a request's few header values are parsed into new strings, as on a first request.</li>
 * </ul>
 */
@Component
class JettyConnections implements WebServerFactoryCustomizer<JettyServletWebServerFactory> {
    static final int OUTPUT_BUFFER = 4096;
    /** Connections the kernel holds for the acceptor (it caps this at net.core.somaxconn). */
    static final int ACCEPT_QUEUE = 8192;
    /** Jetty's header cache per connection, in characters; none. */
    static final int HEADER_CACHE = 0;

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
                    http.getHttpConfiguration().setHeaderCacheSize(HEADER_CACHE);
                }
            }
        });
    }
}
