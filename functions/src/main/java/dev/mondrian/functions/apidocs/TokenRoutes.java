package dev.mondrian.functions.apidocs;

import dev.mondrian.functions.http.RequiresToken;
import dev.mondrian.functions.http.RouteTable;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;

/** A route marked {@link RequiresToken} is documented with its bearer token and the refusal TokenGuard answers. */
@Component
class TokenRoutes implements OperationCustomizer {
    @Override
    public Operation customize(Operation operation, HandlerMethod handler) {
        RequiresToken.Role required = RouteTable.token(handler.getMethod());
        if (required == null) {
            return operation;
        }
        switch (required) {
            case RUNNER, ADMIN -> {
                boolean runner = required == RequiresToken.Role.RUNNER;
                operation.addSecurityItem(new SecurityRequirement().addList(runner ? ApiDocument.RUNNER_TOKEN
                        : ApiDocument.ADMIN_TOKEN));
                operation.getResponses().addApiResponse("401", new ApiResponse()
                        .description("missing or wrong " + (runner ? "runner" : "admin") + " token"));
            }
            // Needed only when client keys are on: an empty requirement says the route may be called without.
            case CLIENT -> {
                operation.addSecurityItem(new SecurityRequirement().addList(ApiDocument.CLIENT_KEY));
                operation.addSecurityItem(new SecurityRequirement());
                operation.getResponses().addApiResponse("401", new ApiResponse()
                        .description("client keys are on and the request carries no live one"));
            }
            case READER, OWNER -> {
                operation.addSecurityItem(new SecurityRequirement().addList(ApiDocument.CLIENT_KEY));
                operation.addSecurityItem(new SecurityRequirement());
                operation.getResponses().addApiResponse("404", new ApiResponse().description(required
                        == RequiresToken.Role.READER ? "no job with this id, or (client keys on) neither its key nor a "
                        + "read token for it (query parameter token)" : "no job with this id, or (client keys on) not "
                        + "its key"));
            }
        }
        return operation;
    }
}
