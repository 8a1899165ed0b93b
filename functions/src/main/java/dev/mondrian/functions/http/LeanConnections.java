package dev.mondrian.functions.http;

import org.apache.coyote.http11.Http11NioProtocol;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Smaller per-connection buffers for Tomcat. An open event stream keeps its connection's buffers for as long
 * as the job runs, and with Tomcat's defaults those are about 100 kB of heap each: 10 000 watchers would need
 * a gigabyte for buffers that carry a few hundred bytes a second. Event frames are small and large bodies
 * (uploads, images) bypass these buffers, so smaller ones cost little elsewhere; measured in docs/BENCHMARKS.md.
 * Request headers keep Tomcat's 8 kB limit, so clients with large cookies still get through.
 */
@Component
class LeanConnections implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {
    static final int SOCKET_READ_BUFFER = 2048;
    static final int SOCKET_WRITE_BUFFER = 1024;
    static final int RESPONSE_HEADER_LIMIT = 2048;
    static final int TRAILER_LIMIT = 1024;

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.setProtocol(LeanProtocol.class.getName());
        factory.addConnectorCustomizers(connector -> {
            connector.setProperty("socket.appReadBufSize", Integer.toString(SOCKET_READ_BUFFER));
            connector.setProperty("socket.appWriteBufSize", Integer.toString(SOCKET_WRITE_BUFFER));
        });
        factory.addProtocolHandlerCustomizers(handler -> {
            if (handler instanceof Http11NioProtocol http) {
                http.setMaxHttpResponseHeaderSize(RESPONSE_HEADER_LIMIT);
                // Chunked request trailers: unused by every client here, yet Tomcat allocates room for them up front.
                http.setMaxTrailerSize(TRAILER_LIMIT);
            }
        });
    }

    /**
     * HTTP/1.1 whose servlet responses buffer 1 kB (bytes and chars) instead of 8 kB: the only way to size that
     * buffer, which Tomcat allocates with every response object and which a stream holds while it is open.
     */
    public static final class LeanProtocol extends Http11NioProtocol {
        @Override
        public int getDesiredBufferSize() {
            return 1024;
        }
    }
}
