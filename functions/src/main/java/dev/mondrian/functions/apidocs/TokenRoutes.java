package dev.mondrian.functions.apidocs;

import dev.mondrian.functions.http.RequiresToken;
import dev.mondrian.functions.http.RouteTable;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;

/** A route marked {@link RequiresToken} is documented with its bearer token and the 401 that TokenGuard answers. */
@Component
class TokenRoutes implements OperationCustomizer {
    @Override
    public Operation customize(Operation operation, HandlerMethod handler) {
        RequiresToken.Role required = RouteTable.token(handler.getMethod());
        if (required != null) {
            boolean runner = required == RequiresToken.Role.RUNNER;
            operation.addSecurityItem(new SecurityRequirement().addList(runner ? ApiDocument.RUNNER_TOKEN : ApiDocument.ADMIN_TOKEN));
            operation.getResponses().addApiResponse("401", new ApiResponse()
                    .description("missing or wrong " + (runner ? "runner" : "admin") + " token"));
        }
        return operation;
    }
}
