package dev.mondrian.functions.webhooks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real HTTP server on loopback that takes webhook deliveries: it keeps each request's headers and body, and answers
 * 503 to the first {@link #failFirst} of them (a receiver that is down for a while), then 204.
 */
final class WebhookReceiver implements AutoCloseable {
    record Delivery(Map<String, String> headers, String body, int answered) {}

    private final HttpServer server;
    private final List<Delivery> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failures = new AtomicInteger();

    WebhookReceiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.getFirst()));
            int status = failures.getAndDecrement() > 0 ? 503 : 204;
            received.add(new Delivery(headers, body, status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    WebhookReceiver failFirst(int n) {
        failures.set(n);
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Delivery> received() {
        return List.copyOf(received);
    }

    /** The deliveries answered 2xx whose body and headers match, once there is one, or fails after {@code wait}. */
    List<Delivery> await(Predicate<Delivery> wanted, Duration wait) throws InterruptedException {
        long end = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < end) {
            List<Delivery> found = received.stream().filter(d -> d.answered() < 300).filter(wanted).toList();
            if (!found.isEmpty()) {
                return found;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no such delivery within " + wait + "; received: " + received);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
