package dev.mondrian.functions.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mondrian.functions.support.ServiceTest;
import dev.mondrian.functions.support.TestImages;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Images through S3 on Lambda: the real handler hands out a pre-signed upload URL, the client PUTs the image
 * there, the job names its key, and the runner downloads it from a pre-signed URL of its own. S3 is an HTTP
 * server on loopback that keeps objects by path, as S3's path-style API does.
 */
class S3UploadLambdaTest {
    private static final JsonMapper JSON = ApiGatewayEvents.JSON;
    private static final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private static HttpServer s3;
    private static LambdaEnvironment environment;
    private static FunctionInvoker handler;

    @BeforeAll
    static void start() throws Exception {
        s3 = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s3.createContext("/", S3UploadLambdaTest::object);
        s3.start();
        environment = new LambdaEnvironment(Map.of("mondrian.upload-bucket", "photos",
                "mondrian.s3-endpoint", s3Base(), "mondrian.max-upload-size", "64KB"));
        handler = environment.handler("httpApi");
    }

    @AfterAll
    static void stop() {
        environment.close();
        s3.stop(0);
    }

    @Test
    void anImageUploadedToS3ReachesTheJobAndTheRunner() throws Exception {
        byte[] png = TestImages.png(40, 30);
        JsonNode upload = call("POST /api/uploads", Map.of(), null, "{\"size\": " + png.length + "}", 201);
        String key = upload.get("image_key").asString();
        assertThat(upload.get("method").asString()).isEqualTo("PUT");
        assertThat(upload.get("max_bytes").asLong()).isEqualTo(64 * 1024);
        // Signed: only a body of the stated length will be accepted.
        assertThat(upload.get("upload_url").asString()).startsWith(s3Base() + "/photos/" + key)
                .contains("X-Amz-Signature=").contains("X-Amz-SignedHeaders=content-length%3Bhost");
        assertThat(put(upload.get("upload_url").asString(), png)).isEqualTo(200);

        String id = call("POST /api/jobs", Map.of(), null, "{\"prompt\": \"uploaded first\", \"image_key\": \"" + key + "\"}", 201)
                .get("job_id").asString();
        assertThat(call("GET /api/jobs/{id}", Map.of("id", id), null, null, 200).get("has_image").asBoolean()).isTrue();

        JsonNode image = call("POST /api/runner/claim", Map.of(), ServiceTest.RUNNER_TOKEN, "{\"wait_ms\": 0}", 200).get("image");
        assertThat(image.get("url").asString()).startsWith(s3Base() + "/photos/" + key).contains("X-Amz-Signature=");
        assertThat(image.get("width").asInt()).isEqualTo(40);
        HttpResponse<byte[]> download = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(image.get("url").asString())).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.body()).isEqualTo(png);
    }

    @Test
    void keysNotHandedOutNothingUploadedAndTooLargeAreRefused() throws Exception {
        assertError("{\"prompt\": \"p\", \"image_key\": \"secrets/admin-token\"}", 400, "not one that POST /api/uploads handed out");
        assertError("{\"prompt\": \"p\", \"image_key\": \"uploads/0123456789abcdef0123456789abcdef\"}", 400, "nothing was uploaded");
        JsonNode refused = ApiGatewayEvents.invoke(handler, ApiGatewayEvents.httpApi("POST /api/uploads", Map.of(), null,
                "{\"size\": " + 100 * 1024 + "}"));
        assertThat(refused.get("statusCode").asInt()).isEqualTo(413);
        assertThat(ApiGatewayEvents.invoke(handler, ApiGatewayEvents.httpApi("POST /api/uploads", Map.of(), null, "{}"))
                .get("statusCode").asInt()).isEqualTo(400);
        // Should an object be larger than its signature allowed, the service still reads no more than the limit.
        objects.put("/photos/uploads/ffffffffffffffffffffffffffffffff", new byte[100 * 1024]);
        assertError("{\"prompt\": \"p\", \"image_key\": \"uploads/ffffffffffffffffffffffffffffffff\"}", 413,
                "the limit is 65536");
    }

    private static void assertError(String body, int status, String message) throws IOException {
        JsonNode response = ApiGatewayEvents.invoke(handler, ApiGatewayEvents.httpApi("POST /api/jobs", Map.of(), null, body));
        assertThat(response.get("statusCode").asInt()).as(response.toString()).isEqualTo(status);
        assertThat(JSON.readTree(response.get("body").asString()).get("error").asString()).contains(message);
    }

    private static JsonNode call(String route, Map<String, String> path, String token, String body, int status)
            throws IOException {
        JsonNode response = ApiGatewayEvents.invoke(handler, ApiGatewayEvents.httpApi(route, path, token, body));
        assertThat(response.get("statusCode").asInt()).as(response.toString()).isEqualTo(status);
        return JSON.readTree(response.get("body").asString());
    }

    private static int put(String url, byte[] bytes) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static String s3Base() {
        return "http://127.0.0.1:" + s3.getAddress().getPort();
    }

    /** PUT, HEAD and GET of one object by path, with the headers S3 answers; 404 NoSuchKey when it is absent. */
    private static void object(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        switch (exchange.getRequestMethod()) {
            case "PUT" -> {
                objects.put(path, exchange.getRequestBody().readAllBytes());
                exchange.getResponseHeaders().add("ETag", "\"" + path.hashCode() + "\"");
                exchange.sendResponseHeaders(200, -1);
            }
            case "HEAD", "GET" -> {
                byte[] bytes = objects.get(path);
                boolean head = exchange.getRequestMethod().equals("HEAD");
                if (bytes == null) {
                    byte[] error = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code>"
                            + "<Message>The specified key does not exist.</Message></Error>").getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/xml");
                    exchange.sendResponseHeaders(404, head ? -1 : error.length);
                    if (!head) {
                        exchange.getResponseBody().write(error);
                    }
                } else {
                    exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
                    exchange.getResponseHeaders().add("ETag", "\"" + path.hashCode() + "\"");
                    exchange.getResponseHeaders().add("Last-Modified", "Thu, 26 Nov 2026 07:00:00 GMT");
                    if (head) {
                        exchange.getResponseHeaders().add("Content-Length", String.valueOf(bytes.length));
                        exchange.sendResponseHeaders(200, -1);
                    } else {
                        exchange.sendResponseHeaders(200, bytes.length);
                        exchange.getResponseBody().write(bytes);
                    }
                }
            }
            default -> exchange.sendResponseHeaders(405, -1);
        }
        exchange.close();
    }
}
