package dev.mondrian.functions.keys;

import dev.mondrian.functions.MondrianProperties;
import dev.mondrian.functions.http.Caller;
import dev.mondrian.functions.http.ClientAccess;
import dev.mondrian.functions.http.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.springframework.stereotype.Component;

/**
 * Client keys: made by operators, kept only as SHA-256 hashes (the key itself is shown once), revoked for good. A job
 * belongs to the key that created it; reading it takes that key, or a read token minted for it (ReadTokens), while
 * the key lives. Every check reads the database, so a key revoked on one instance is refused by all at once.
 */
@Component
public class ClientKeys implements ClientAccess {
    private static final String PREFIX = "mk_";

    /** A key as operators see it; {@code key} is the secret, present only in the answer that made it. */
    public record ClientKey(String id, String name, long createdAt, Long revokedAt, String key) {}

    private final Jdbi jdbi;
    private final boolean on;
    private final ReadTokens readTokens;

    ClientKeys(Jdbi jdbi, MondrianProperties properties, ReadTokens readTokens) {
        this.jdbi = jdbi;
        this.on = properties.clientKeys();
        this.readTokens = readTokens;
    }

    @Override
    public boolean keysOn() {
        return on;
    }

    ClientKey create(String name, long now) {
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(Secrets.random(32));
        // Its own random bytes: an id is shown in lists, so it must tell nothing of the secret.
        String id = "key_" + Secrets.randomHex(8);
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO client_keys (id, name, key_hash, created_at) "
                        + "VALUES (:id, :name, :hash, :now)")
                .bind("id", id).bind("name", name).bind("hash", hash(secret)).bind("now", now).execute());
        return new ClientKey(id, name, now, null, secret);
    }

    List<ClientKey> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, name, created_at, revoked_at FROM client_keys "
                        + "ORDER BY created_at DESC, id")
                .map((rs, ctx) -> {
                    long revoked = rs.getLong("revoked_at");
                    return new ClientKey(rs.getString("id"), rs.getString("name"), rs.getLong("created_at"),
                            rs.wasNull() ? null : revoked, null);
                }).list());
    }

    /** False for an unknown id; revoking twice keeps the first time. */
    boolean revoke(String id, long now) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE client_keys SET revoked_at = COALESCE(revoked_at, :now) "
                + "WHERE id = :id").bind("id", id).bind("now", now).execute() == 1);
    }

    @Override
    public Optional<String> keyOf(String bearer) {
        if (bearer == null || !bearer.startsWith(PREFIX)) {
            return Optional.empty();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM client_keys WHERE key_hash = :hash AND revoked_at IS NULL")
                .bind("hash", hash(bearer)).mapTo(String.class).findOne());
    }

    @Override
    public boolean owns(Caller caller) {
        Optional<String> key = keyOf(caller.bearer());
        return key.isPresent() && key.equals(liveOwner(caller.jobId()));
    }

    @Override
    public boolean mayRead(Caller caller) {
        return owns(caller) || (caller.readToken() != null && readTokens.valid(caller.jobId(), caller.readToken())
                && liveOwner(caller.jobId()).isPresent());
    }

    /** The job's key while it lives; empty for a job without one, a revoked key, or no such job. */
    Optional<String> liveOwner(String jobId) {
        if (jobId == null) {
            return Optional.empty();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT k.id FROM jobs j JOIN client_keys k ON k.id = j.owner_key "
                        + "WHERE j.id = :job AND k.revoked_at IS NULL")
                .bind("job", jobId).mapTo(String.class).findOne());
    }

    private static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
