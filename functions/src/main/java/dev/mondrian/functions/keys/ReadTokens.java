package dev.mondrian.functions.keys;

import dev.mondrian.functions.MondrianProperties;
import dev.mondrian.functions.http.Credentials;
import dev.mondrian.functions.http.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.springframework.stereotype.Component;

/**
 * Short-lived read tokens for one job, for what cannot send a header (a browser's EventSource: {@code ?token=}):
 * {@code rt_<expiry ms>_<HMAC-SHA256 of "<job id>.<expiry>">}, keyed with a secret of the service's
 * ({@code <data dir>/read-token-secret}, the same on every instance that shares the folder or is given it). Nothing
 * is stored: a token is good for its job until it expires, and while the job's key lives.
 */
@Component
class ReadTokens {
    private static final String PREFIX = "rt_";

    private final byte[] key;
    private final long ttlMs;

    ReadTokens(MondrianProperties properties) {
        this.key = Credentials.secret("", properties.dataDir().resolve("read-token-secret"),
                () -> Base64.getEncoder().encodeToString(Secrets.random(32))).getBytes(StandardCharsets.UTF_8);
        this.ttlMs = properties.readTokenTtl().toMillis();
    }

    record Minted(String token, long expiresAt) {}

    Minted mint(String jobId, long now) {
        long expiry = now + ttlMs;
        return new Minted(PREFIX + expiry + "_" + mac(jobId, expiry), expiry);
    }

    boolean valid(String jobId, String token) {
        String[] parts = token.split("_");
        if (jobId == null || parts.length != 3 || !token.startsWith(PREFIX)) {
            return false;
        }
        long expiry;
        try {
            expiry = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            return false;
        }
        return expiry > System.currentTimeMillis() && MessageDigest.isEqual(
                mac(jobId, expiry).getBytes(StandardCharsets.UTF_8), parts[2].getBytes(StandardCharsets.UTF_8));
    }

    private String mac(String jobId, long expiry) {
        // Base64url without '_': the token's own separator stays unambiguous.
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Secrets.hmacSha256(key, jobId + "." + expiry))
                .replace('_', '.');
    }
}
