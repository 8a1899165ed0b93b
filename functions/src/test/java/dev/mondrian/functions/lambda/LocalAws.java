package dev.mondrian.functions.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The AWS deployment on loopback, for the page's browser test of its AWS flow: what CloudFront serves (the page,
 * {@code /config.json}, {@code /api/*}), API Gateway's HTTP and WebSocket APIs turning requests into their Lambda
 * events for the real handlers ({@code httpApi}, {@code webSocketApi}), the management API that pushes frames
 * back to the sockets, and S3 (path-style objects in memory). Only the translation is played; the service's code
 * is the real one, over a real SQLite file.
 *
 * <p>{@code java ... LocalAws <web folder> <runner token>} prints {@code READY <http port>} once it answers.
 */
public final class LocalAws {
    private static final String BUCKET = "local-uploads";
    /** A job id in a path, where API Gateway's route templates say {@code {id}}. */
    private static final Pattern JOB_PATH = Pattern.compile("(/api/(?:runner/)?jobs/)([^/]+)(/.*)?");

    private final Path web;
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final Map<String, WebSocket> sockets = new ConcurrentHashMap<>();
    private FunctionInvoker httpApi;
    private FunctionInvoker webSocketApi;
    private int wsPort;

    private LocalAws(Path web) {
        this.web = web;
    }

    public static void main(String[] args) throws Exception {
        new LocalAws(Path.of(args[0])).start(args[1]);
    }

    private void start(String runnerToken) throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        WebSocketServer live = new WebSocketServer(new InetSocketAddress("127.0.0.1", 0)) {
            @Override
            public void onOpen(WebSocket socket, ClientHandshake handshake) {
                String id = UUID.randomUUID().toString();
                socket.setAttachment(id);
                sockets.put(id, socket);
                String job = query(URI.create(handshake.getResourceDescriptor()).getRawQuery()).get("job");
                JsonNode answer = socketEvent("$connect", id, job == null ? Map.of() : Map.of("job", job), null);
                if (answer.get("statusCode").asInt() != 200) {
                    socket.close(1008, answer.path("body").asString(""));
                }
            }

            @Override
            public void onMessage(WebSocket socket, String message) {
                socketEvent("$default", socket.getAttachment(), null, message);
            }

            @Override
            public void onClose(WebSocket socket, int code, String reason, boolean remote) {
                String id = socket.getAttachment();
                if (id != null && sockets.remove(id) != null) {
                    socketEvent("$disconnect", id, null, null);
                }
            }

            @Override
            public void onError(WebSocket socket, Exception e) {
                e.printStackTrace();
            }

            @Override
            public void onStart() {}
        };
        live.setReuseAddr(true);
        live.start();
        while (live.getPort() == 0) {
            Thread.sleep(10);
        }
        wsPort = live.getPort();
        http.createContext("/", this::serve);
        // A thread per request: a Lambda handling one request calls this same server (S3, the management API).
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.start();
        String base = "http://127.0.0.1:" + http.getAddress().getPort();
        LambdaEnvironment environment = new LambdaEnvironment(Map.of("mondrian.websocket-management-endpoint", base,
                "mondrian.upload-bucket", BUCKET, "mondrian.s3-endpoint", base, "mondrian.runner-token", runnerToken));
        httpApi = environment.handler("httpApi");
        webSocketApi = environment.handler("webSocketApi");
        System.out.println("READY " + http.getAddress().getPort());
    }

    private void serve(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        try {
            if (path.startsWith("/api/")) {
                api(exchange, path);
            } else if (path.startsWith("/@connections/")) {
                manage(exchange, path.substring("/@connections/".length()));
            } else if (path.startsWith("/" + BUCKET + "/")) {
                s3(exchange, path);
            } else if (path.equals("/config.json")) {
                send(exchange, 200, "application/json",
                        ("{\"live_updates_url\": \"ws://127.0.0.1:" + wsPort + "\"}").getBytes(StandardCharsets.UTF_8));
            } else {
                page(exchange, path.equals("/") ? "index.html" : path.substring(1));
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            send(exchange, 500, "text/plain", "local AWS failed".getBytes(StandardCharsets.UTF_8));
        } finally {
            exchange.close();
        }
    }

    /** API Gateway's HTTP API: the request as a payload 2.0 event, its route key the path with the job id templated. */
    private void api(HttpExchange exchange, String path) throws IOException {
        Matcher job = JOB_PATH.matcher(path);
        boolean hasId = job.matches();
        String route = exchange.getRequestMethod() + " "
                + (hasId ? job.group(1) + "{id}" + (job.group(3) == null ? "" : job.group(3)) : path);
        String token = exchange.getRequestHeaders().getFirst("Authorization");
        ObjectNode event = ApiGatewayEvents.httpApi(route, hasId ? Map.of("id", job.group(2)) : Map.of(),
                token == null ? null : token.substring("Bearer ".length()),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Map<String, String> parameters = query(exchange.getRequestURI().getRawQuery());
        if (!parameters.isEmpty()) {
            ObjectNode query = event.putObject("queryStringParameters");
            parameters.forEach(query::put);
        }
        JsonNode response = ApiGatewayEvents.invoke(httpApi, event);
        String body = response.path("body").asString("");
        byte[] bytes = response.path("isBase64Encoded").asBoolean()
                ? java.util.Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
        response.path("headers").properties().forEach(h -> exchange.getResponseHeaders().set(h.getKey(), h.getValue().asString()));
        send(exchange, response.get("statusCode").asInt(), null, bytes);
    }

    /** The management API: a frame to one socket, or closing it. */
    private void manage(HttpExchange exchange, String id) throws IOException {
        WebSocket socket = sockets.get(id);
        if (socket == null || !socket.isOpen()) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", "GoneException");
            send(exchange, 410, "application/json", "{\"message\":\"Gone\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (exchange.getRequestMethod().equals("DELETE")) {
            sockets.remove(id);
            socket.close(1000, "done");
        } else {
            socket.send(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        }
        send(exchange, 200, null, new byte[0]);
    }

    private void s3(HttpExchange exchange, String path) throws IOException {
        switch (exchange.getRequestMethod()) {
            case "PUT" -> {
                objects.put(path, exchange.getRequestBody().readAllBytes());
                // A browser's PUT from the page's origin: S3 answers it per the bucket's CORS rule.
                exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
                send(exchange, 200, null, new byte[0]);
            }
            case "OPTIONS" -> {
                exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
                exchange.getResponseHeaders().set("Access-Control-Allow-Methods", "PUT");
                exchange.getResponseHeaders().set("Access-Control-Allow-Headers", "*");
                send(exchange, 200, null, new byte[0]);
            }
            case "HEAD", "GET" -> {
                byte[] bytes = objects.get(path);
                if (bytes == null) {
                    send(exchange, 404, "application/xml", exchange.getRequestMethod().equals("HEAD") ? new byte[0]
                            : "<Error><Code>NoSuchKey</Code></Error>".getBytes(StandardCharsets.UTF_8));
                } else if (exchange.getRequestMethod().equals("HEAD")) {
                    exchange.getResponseHeaders().set("Content-Length", String.valueOf(bytes.length));
                    exchange.sendResponseHeaders(200, -1);
                } else {
                    send(exchange, 200, "application/octet-stream", bytes);
                }
            }
            default -> send(exchange, 405, null, new byte[0]);
        }
    }

    private void page(HttpExchange exchange, String file) throws IOException {
        Path target = web.resolve(file).normalize();
        if (!target.startsWith(web) || !Files.isRegularFile(target)) {
            send(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String type = file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css" : "text/html";
        send(exchange, 200, type, Files.readAllBytes(target));
    }

    private JsonNode socketEvent(String route, String connectionId, Map<String, String> query, String body) {
        try {
            return ApiGatewayEvents.invoke(webSocketApi, ApiGatewayEvents.webSocket(route, connectionId, query, body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> parameters = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    parameters.put(pair.substring(0, equals),
                            java.net.URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return parameters;
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        if (type != null) {
            exchange.getResponseHeaders().set("Content-Type", type);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }
}
