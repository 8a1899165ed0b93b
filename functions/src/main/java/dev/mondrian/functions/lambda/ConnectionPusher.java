package dev.mondrian.functions.lambda;

import dev.mondrian.functions.events.JobEvent;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;

/**
 * Sends a job's events to its WebSocket connections through API Gateway's management API, one text frame
 * per event (the same JSON as SSE's data). A connection API Gateway reports gone is forgotten; after
 * {@code done} the connection is closed, as an SSE stream ends.
 */
class ConnectionPusher {
    private static final Logger log = LoggerFactory.getLogger(ConnectionPusher.class);

    private final ApiGatewayManagementApiClient api;
    private final WebSocketConnections connections;

    ConnectionPusher(ApiGatewayManagementApiClient api, WebSocketConnections connections) {
        this.api = api;
        this.connections = connections;
    }

    /** Sends the events in order to one connection; false once it is gone. */
    boolean send(String connectionId, List<JobEvent> events) {
        try {
            for (JobEvent event : events) {
                api.postToConnection(b -> b.connectionId(connectionId).data(SdkBytes.fromUtf8String(event.json())));
                if (event.isDone()) {
                    connections.remove(connectionId);
                    api.deleteConnection(b -> b.connectionId(connectionId));
                    return false;
                }
            }
            return true;
        } catch (GoneException gone) {
            connections.remove(connectionId);
            return false;
        } catch (RuntimeException e) {
            // One connection's failure must not keep the job's other watchers, or the callback, waiting.
            log.warn("job {}: pushing to WebSocket connection {} failed: {}", events.getFirst().jobId(), connectionId,
                    e.getMessage());
            return true;
        }
    }
}
