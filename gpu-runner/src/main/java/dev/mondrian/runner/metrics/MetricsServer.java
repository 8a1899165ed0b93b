package dev.mondrian.runner.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /metrics}: the runner's metrics for Prometheus to scrape, on a port of their own (no token: bind it
 * where only the scraper reaches). Any other path is a JSON 404, any other method a JSON 405.
 */
public final class MetricsServer implements AutoCloseable {
    static final String PATH = "/metrics";
    private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    public static MetricsServer start(InetSocketAddress address, PrometheusMetrics metrics) throws IOException {
        HttpServer server = HttpServer.create(address, 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                answer(exchange, metrics);
            }
        });
        server.start();
        return new MetricsServer(server);
    }

    private static void answer(HttpExchange exchange, PrometheusMetrics metrics) throws IOException {
        if (!exchange.getRequestURI().getPath().equals(PATH)) {
            error(exchange, 404, "no such route; the metrics are at " + PATH);
        } else if (!exchange.getRequestMethod().equals("GET")) {
            exchange.getResponseHeaders().set("Allow", "GET");
            error(exchange, 405, "method " + exchange.getRequestMethod() + " is not allowed here");
        } else {
            send(exchange, 200, TEXT_FORMAT, metrics.scrape().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        send(exchange, status, "application/json", JSON.writeValueAsBytes(Map.of("error", message)));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
