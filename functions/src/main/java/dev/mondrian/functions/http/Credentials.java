package dev.mondrian.functions.http;

import dev.mondrian.functions.MondrianProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The runner and admin bearer tokens. A token not configured is generated once and kept in the
 * data folder (owner-readable only), so the local runner and the operator can read it and it
 * survives restarts.
 */
@Component
public class Credentials {
    private static final Logger log = LoggerFactory.getLogger(Credentials.class);

    private final byte[] runner;
    private final byte[] admin;
    private final ClientAccess clients;

    public Credentials(MondrianProperties properties, ClientAccess clients) {
        this.clients = clients;
        this.runner = token(properties.runnerToken(), properties.dataDir().resolve("runner-token"));
        this.admin = token(properties.adminToken(), properties.dataDir().resolve("admin-token"));
    }

    /** The token of an {@code Authorization: Bearer <token>} header, or null. */
    public static String bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).strip();
    }

    /** Whether the caller may call a route that needs {@code token} (null: none): the one rule every way in applies. */
    public boolean allows(RequiresToken.Role token, Caller caller) {
        if (token == null) {
            return true;
        }
        return switch (token) {
            case RUNNER -> isRunner(caller.bearer());
            case ADMIN -> isAdmin(caller.bearer());
            case CLIENT -> !clients.keysOn() || clients.keyOf(caller.bearer()).isPresent();
            case READER -> !clients.keysOn() || clients.mayRead(caller);
            case OWNER -> !clients.keysOn() || clients.owns(caller);
        };
    }

    /**
     * What an open stream asks again once per keep-alive period, so that revoking a key ends its streams: null when
     * client keys are off (nothing to ask).
     */
    public BooleanSupplier recheck(Caller caller) {
        return clients.keysOn() ? () -> clients.mayRead(caller) : null;
    }

    /** The client key a new job belongs to: the caller's, when client keys are on; null otherwise. */
    public String ownerOf(String authorization) {
        return clients.keysOn() ? clients.keyOf(bearer(authorization)).orElse(null) : null;
    }

    public boolean isRunner(String bearer) {
        return matches(runner, bearer);
    }

    public boolean isAdmin(String bearer) {
        return matches(admin, bearer);
    }

    private static boolean matches(byte[] expected, String presented) {
        return presented != null
                && MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] token(String configured, Path file) {
        return secret(configured, file, () -> Secrets.randomHex(32)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A secret: as configured, else as kept in {@code file}, else made by {@code generate} and kept there (owner-readable
     * only), so that whoever runs the service can read it and it survives restarts.
     */
    public static String secret(String configured, Path file, Supplier<String> generate) {
        if (!configured.isBlank()) {
            return configured;
        }
        try {
            if (Files.exists(file)) {
                return Files.readString(file).strip();
            }
            String secret = generate.get();
            Files.createDirectories(file.getParent());
            Files.writeString(file, secret + "\n");
            restrictToOwner(file);
            log.info("generated a secret in {}", file.toAbsolutePath());
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create secret file " + file.toAbsolutePath(), e);
        }
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the file inherits the data folder's ACL.
        }
    }
}
