package dev.mondrian.runner.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.mondrian.protocol.RunnerWire.ClaimedJob;
import dev.mondrian.protocol.RunnerWire.ImageRef;
import dev.mondrian.protocol.RunnerWire.Lease;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The runner's image download: from the service with its token, from anywhere else (pre-signed S3 URLs) without. */
class FunctionsClientTest {
    private final Map<String, String> authorization = new ConcurrentHashMap<>();
    private HttpServer service;
    private HttpServer storage;

    @BeforeEach
    void start() throws Exception {
        service = server("service");
        storage = server("storage");
    }

    @AfterEach
    void stop() {
        service.stop(0);
        storage.stop(0);
    }

    @Test
    void theTokenGoesToTheServiceOnlyNeverToAnotherHost() throws Exception {
        FunctionsClient client = new FunctionsClient(URI.create("http://127.0.0.1:" + service.getAddress().getPort() + "/"),
                () -> "runner-secret");
        assertThat(new String(client.image(job("/api/runner/jobs/j1/image")), StandardCharsets.UTF_8)).isEqualTo("service");
        assertThat(authorization.get("service")).isEqualTo("Bearer runner-secret");

        String presigned = "http://127.0.0.1:" + storage.getAddress().getPort() + "/bucket/uploads/abc?X-Amz-Signature=x";
        assertThat(new String(client.image(job(presigned)), StandardCharsets.UTF_8)).isEqualTo("storage");
        assertThat(authorization.get("storage")).isEqualTo("none");
    }

    private HttpServer server(String name) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            authorization.put(name, String.valueOf(exchange.getRequestHeaders().getFirst("Authorization") == null
                    ? "none" : exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static ClaimedJob job(String imageUrl) {
        return new ClaimedJob("j1", null, "", "baseline", new ImageRef(imageUrl, "image/png", 1, 1), 16, 0.7, 1000, 1,
                new Lease("lease", 1, 0, 30_000));
    }
}
