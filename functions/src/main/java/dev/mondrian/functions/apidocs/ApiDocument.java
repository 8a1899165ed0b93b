package dev.mondrian.functions.apidocs;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document of the HTTP contract, {@code GET /api/openapi} (YAML: {@code /api/openapi.yaml}). springdoc
 * generates it from the controllers and their annotations; this adds what it cannot see: the bearer tokens (and
 * TokenRoutes, which routes need them), the field names as the service writes them, the streams (StreamDocs), the
 * document's own two routes, and the error bodies (ResponseBodies).
 */
@Configuration(proxyBeanMethods = false)
class ApiDocument {
    static final String RUNNER_TOKEN = "runnerToken";
    static final String ADMIN_TOKEN = "adminToken";
    static final String CLIENT_KEY = "clientKey";
    static final String ERROR = "ApiError";

    private static final String DESCRIPTION = """
            Mondrian's job service: upload a photo and/or a prompt, then follow the AI critique live.

            **Errors.** Every error is a 4xx or 5xx response with a JSON body `{"error": "..."}` (schema `ApiError`), \
            also when the server refuses a request before the service sees it.

            **Tokens.** Runner routes need `Authorization: Bearer <runner token>`, listing all jobs needs the admin token; \
            a missing or wrong token is 401. With client keys off (the default), job ids are 128-bit random and whoever \
            has the id can read the job. With them on (`mondrian.client-keys`), creating a job needs a client key \
            (`Authorization: Bearer mk_...`), the job belongs to it, and reading it needs that key or a read token \
            minted for the job (`POST /api/jobs/{id}/read-token`, then `?token=`); anything else answers 404.

            **Streams.** `GET /api/jobs/{id}/events` and `GET /stream/{id}` are Server-Sent Events: each frame is \
            `id: <seq>`, `event: <type>`, `data: <one JobEvent as JSON>`; reconnecting with `Last-Event-ID: <seq>` \
            (or `?after=<seq>`) gives exactly the events after that seq, then live ones; idle streams get a \
            `: keep-alive` comment; the stream ends after `done`. `GET /api/jobs/{id}/ws` is a WebSocket carrying \
            the same JSON, one text frame per event.

            **Not in this document.** `/fn/<function>` (Spring Cloud Function's generic invocation of the AWS Lambda \
            functions, runner token) and the web page's static files under `/`. On AWS Lambda the same routes answer \
            through API Gateway, except the streams and the multipart uploads: a job is created there with JSON, its \
            image uploaded first through `POST /api/uploads` or sent base64.
            """;

    @Bean
    OpenAPI mondrianApi() {
        return new OpenAPI()
                .info(new Info().title("Mondrian").version(version()).description(DESCRIPTION))
                .components(new Components()
                        .addSecuritySchemes(RUNNER_TOKEN, bearer("The runner token (mondrian.runner-token)."))
                        .addSecuritySchemes(ADMIN_TOKEN, bearer("The admin token (mondrian.admin-token)."))
                        .addSecuritySchemes(CLIENT_KEY, bearer("A client key, when mondrian.client-keys is on: "
                                + "operators create them (POST /api/admin/keys)."))
                        .addSchemas(ERROR, new ObjectSchema().addProperty("error", new StringSchema()
                                .description("what went wrong, for people")).required(List.of("error"))));
    }

    /** Property names as the service writes them (spring.jackson.property-naming-strategy); swagger-core reads types with Jackson 2. */
    @Bean
    ModelResolver snakeCaseModels() {
        return new ModelResolver(Json31.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
    }

    /** In this order: the error bodies go to every operation, those added here too. */
    @Bean
    OpenApiCustomizer beyondControllers(@Value("${springdoc.api-docs.path}") String path) {
        return api -> {
            StreamDocs.addTo(api);
            // springdoc serves the document but does not list its own routes.
            api.path(path, document("openApiJson", "This document, as JSON.", "application/json"));
            api.path(path + ".yaml", document("openApiYaml", "This document, as YAML.", "application/vnd.oai.openapi"));
            ResponseBodies.addTo(api);
        };
    }

    private static PathItem document(String operationId, String summary, String mediaType) {
        return new PathItem().get(new Operation().operationId(operationId)
                .addTagsItem("documentation").summary(summary)
                .responses(new ApiResponses().addApiResponse("200", new ApiResponse().description("the OpenAPI document")
                        .content(new Content().addMediaType(mediaType, new MediaType().schema(new Schema<>()
                                .type("object")))))));
    }

    private static SecurityScheme bearer(String description) {
        return new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").description(description);
    }

    private static String version() {
        String version = ApiDocument.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
