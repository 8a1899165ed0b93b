package dev.mondrian.functions.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The errors Jetty answers itself, before a request reaches the application (a malformed or ambiguous path,
 * headers over the size limit, a request line it cannot parse), get the contract's {@code {"error": ...}} too,
 * not Jetty's HTML page.
 */
@Component
class JsonServerErrors implements WebServerFactoryCustomizer<JettyServletWebServerFactory> {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public void customize(JettyServletWebServerFactory factory) {
        factory.addServerCustomizers(server -> server.setErrorHandler(new JsonErrorHandler()));
    }

    private static byte[] body(int status, String message) {
        String reason = message == null || message.isBlank() ? HttpStatus.getMessage(status) : message;
        return JSON.writeValueAsBytes(new ApiError(reason));
    }

    static final class JsonErrorHandler extends ErrorHandler {
        /** Jetty writes error bodies for GET, POST and HEAD only; the contract wants one for PUT and DELETE too. */
        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }

        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                        Callback callback) throws IOException {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(body(code, message)), callback);
        }

        /** Requests Jetty could not even parse are answered from here, without a request object. */
        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(HttpHeader.CONTENT_TYPE, "application/json");
            return ByteBuffer.wrap(body(status, reason));
        }
    }
}
