package dev.mondrian.functions.keys;

import dev.mondrian.functions.http.ApiException;
import dev.mondrian.functions.http.RequiresToken;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The operator's client keys: make one (its secret shown in this answer only), list them, revoke one. */
@RestController
@Tag(name = "client keys", description = "Who may create jobs and read them, when mondrian.client-keys is on.")
class KeyAdminController {
    private static final int MAX_NAME = 200;

    /** What a new key is for, in the operator's words. */
    record NewKey(String name) {}

    private final ClientKeys keys;

    KeyAdminController(ClientKeys keys) {
        this.keys = keys;
    }

    @Operation(operationId = "createClientKey", summary = "A new client key; the key itself is in this answer only")
    @ApiResponse(responseCode = "201", description = "the key, with its secret (key)")
    @ApiResponse(responseCode = "400", description = "no name, or a name over 200 characters")
    @RequiresToken(RequiresToken.Role.ADMIN)
    @PostMapping("/api/admin/keys")
    ResponseEntity<ClientKeys.ClientKey> create(@RequestBody NewKey request) {
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > MAX_NAME) {
            throw ApiException.badRequest("name the key (1 to " + MAX_NAME + " characters): {\"name\": \"...\"}");
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(keys.create(name, System.currentTimeMillis()));
    }

    @Operation(operationId = "listClientKeys", summary = "Every client key, newest first, without its secret")
    @ApiResponse(responseCode = "200", description = "the keys")
    @RequiresToken(RequiresToken.Role.ADMIN)
    @GetMapping("/api/admin/keys")
    List<ClientKeys.ClientKey> list() {
        return keys.all();
    }

    @Operation(operationId = "revokeClientKey", summary = "Revoke a key: its jobs can no longer be read, its streams end")
    @ApiResponse(responseCode = "200", description = "the key, revoked")
    @ApiResponse(responseCode = "404", description = "no key with this id")
    @RequiresToken(RequiresToken.Role.ADMIN)
    @PostMapping("/api/admin/keys/{id}/revoke")
    ClientKeys.ClientKey revoke(@PathVariable String id) {
        if (!keys.revoke(id, System.currentTimeMillis())) {
            throw ApiException.notFound("no client key with id '" + id + "'");
        }
        return keys.all().stream().filter(key -> key.id().equals(id)).findFirst().orElseThrow();
    }
}
