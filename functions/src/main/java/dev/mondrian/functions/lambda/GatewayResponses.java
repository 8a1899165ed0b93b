package dev.mondrian.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a handler returned, as API Gateway reads a Lambda's answer: a {@link ResponseEntity}'s status and headers, or
 * 200; bytes base64-encoded, text as it is, anything else written as JSON by the application's mapper (the names a
 * server writes).
 */
final class GatewayResponses {
    private final JsonMapper json;

    GatewayResponses(JsonMapper json) {
        this.json = json;
    }

    APIGatewayV2HTTPResponse of(Object result) {
        ResponseEntity<?> entity = result instanceof ResponseEntity<?> e ? e : ResponseEntity.ok(result);
        Map<String, String> headers = new LinkedHashMap<>();
        entity.getHeaders().forEach((name, values) -> headers.put(name, String.join(", ", values)));
        Object body = entity.getBody();
        boolean binary = body instanceof byte[];
        String text;
        if (body == null) {
            text = "";
        } else if (body instanceof byte[] bytes) {
            text = Base64.getEncoder().encodeToString(bytes);
        } else if (body instanceof String string && entity.getHeaders().getContentType() != null) {
            text = string;
        } else {
            headers.putIfAbsent(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE);
            text = json.writeValueAsString(body);
        }
        return APIGatewayV2HTTPResponse.builder().withStatusCode(entity.getStatusCode().value()).withHeaders(headers)
                .withBody(text).withIsBase64Encoded(binary).build();
    }
}
