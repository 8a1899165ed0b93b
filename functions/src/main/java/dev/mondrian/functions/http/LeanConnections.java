package dev.mondrian.functions.http;

import org.eclipse.jetty.server.HttpConnectionFactory;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * A smaller response buffer per connection. An open event stream holds its connection's output buffer for as
 * long as the job runs; Jetty's default is 32 kB (off-heap), so 10 000 watchers would pin 320 MB for frames of a
 * few hundred bytes. Larger bodies (the page's files, a runner's image) are written past the buffer anyway.
 */
@Component
class LeanConnections implements WebServerFactoryCustomizer<JettyServletWebServerFactory> {
    static final int OUTPUT_BUFFER = 4096;

    @Override
    public void customize(JettyServletWebServerFactory factory) {
        factory.addServerCustomizers(server -> {
            for (var connector : server.getConnectors()) {
                HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
                if (http != null) {
                    http.getHttpConfiguration().setOutputBufferSize(OUTPUT_BUFFER);
                }
            }
        });
    }
}
