package dev.mondrian.functions.streams;

import dev.mondrian.functions.events.Delivery;
import dev.mondrian.functions.events.EventPump;
import dev.mondrian.functions.events.EventSink;
import dev.mondrian.functions.events.JobEvent;
import dev.mondrian.functions.events.ResumePoint;
import dev.mondrian.functions.http.ApiError;
import dev.mondrian.functions.http.ApiException;
import dev.mondrian.functions.http.Caller;
import dev.mondrian.functions.http.Credentials;
import dev.mondrian.functions.http.RequiresToken;
import dev.mondrian.functions.jobs.JobService;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.json.JsonMapper;

/**
 * WebSocket {@code /api/jobs/{id}/ws?after=seq}: the same event JSON as SSE, one text frame per
 * event. The handshake is refused with a JSON 4xx for an unknown job or a bad {@code after}.
 */
class JobWebSocket extends TextWebSocketHandler implements HandshakeInterceptor {
    private static final Logger log = LoggerFactory.getLogger(JobWebSocket.class);
    private static final Pattern PATH = Pattern.compile("/api/jobs/([^/]+)/ws");
    private static final String JOB = "job";
    private static final String AFTER = "after";
    private static final String DELIVERY = "delivery";
    private static final String CALLER = "caller";

    private final JobService jobs;
    private final EventPump pump;
    private final JsonMapper json;
    private final Credentials credentials;

    JobWebSocket(JobService jobs, EventPump pump, JsonMapper json, Credentials credentials) {
        this.jobs = jobs;
        this.pump = pump;
        this.json = json;
        this.credentials = credentials;
    }

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                                   Map<String, Object> attributes) throws IOException {
        try {
            Matcher m = PATH.matcher(request.getURI().getPath());
            if (!m.matches()) {
                throw ApiException.notFound("no such route");
            }
            if (!"websocket".equalsIgnoreCase(request.getHeaders().getUpgrade())) {
                // Spring would answer a plain-text 400; the contract's refusals are JSON.
                throw ApiException.badRequest("this route is a WebSocket: connect with a WebSocket client"
                        + " (Upgrade: websocket), or read the same events as SSE at /api/jobs/{id}/events");
            }
            var query = UriComponentsBuilder.fromUri(request.getURI()).build().getQueryParams();
            // The same rule as GET /api/jobs/{id}/events; a browser's WebSocket sends no header, so ?token= it is.
            Caller caller = Caller.of(request.getHeaders().getFirst("Authorization"), query.getFirst("token"), m.group(1));
            if (!credentials.allows(RequiresToken.Role.READER, caller)) {
                throw ApiException.notFound("no job with id '" + m.group(1) + "'");
            }
            attributes.put(AFTER, ResumePoint.afterSeq(null, query.getFirst(AFTER)));
            attributes.put(CALLER, caller);
            attributes.put(JOB, jobs.require(m.group(1)).id());
            return true;
        } catch (ApiException e) {
            response.setStatusCode(e.status());
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
            response.getBody().write(json.writeValueAsBytes(new ApiError(e.getMessage())));
            return false;
        }
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                               Exception exception) {}

    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
        String jobId = (String) session.getAttributes().get(JOB);
        long after = (Long) session.getAttributes().get(AFTER);
        Caller caller = (Caller) session.getAttributes().get(CALLER);
        session.getAttributes().put(DELIVERY, pump.start(jobId, after, new SessionSink(jobId, session),
                credentials.recheck(caller)));
    }

    /** Writes events as text frames and keep-alives as pings; closes normally after {@code done}. */
    private record SessionSink(String jobId, WebSocketSession session) implements EventSink {
        @Override
        public void send(JobEvent event) throws IOException {
            session.sendMessage(new TextMessage(event.json()));
        }

        @Override
        public void keepAlive() throws IOException {
            session.sendMessage(new PingMessage(ByteBuffer.allocate(0)));
        }

        @Override
        public void close() {
            try {
                session.close(CloseStatus.NORMAL);
            } catch (IOException e) {
                log.debug("job {}: websocket close failed: {}", jobId, e.toString());
            }
        }
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        if (session.getAttributes().get(DELIVERY) instanceof Delivery delivery) {
            delivery.cancel();
        }
    }
}
