package dev.mondrian.functions.apidocs;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;

/**
 * The bodies springdoc cannot tell from a route's return type: every 4xx response gets the contract's
 * {@code {"error": ...}}, every operation a {@code default} response for the errors any route may answer (a malformed
 * request, a wrong method, a failure), and a 204 has no body.
 */
final class ResponseBodies {
    private ResponseBodies() {}

    static void addTo(OpenAPI api) {
        api.getPaths().values().forEach(path -> path.readOperations().forEach(ResponseBodies::document));
    }

    private static void document(Operation operation) {
        operation.getResponses().forEach((code, response) -> {
            if (code.equals("204")) {
                response.setContent(null);
            }
            // springdoc gives a declared response the route's return type; a 4xx is always an ApiError. (The one 5xx a
            // route declares, health's 503, has the route's own body.)
            if (code.startsWith("4")) {
                response.setContent(errorBody());
            }
        });
        operation.getResponses().setDefault(new ApiResponse().description("any other error").content(errorBody()));
    }

    private static Content errorBody() {
        return new Content().addMediaType(org.springframework.http.MediaType.APPLICATION_JSON_VALUE,
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + ApiDocument.ERROR)));
    }
}
