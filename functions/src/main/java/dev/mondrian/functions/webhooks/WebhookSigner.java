package dev.mondrian.functions.webhooks;

import dev.mondrian.functions.MondrianProperties;
import dev.mondrian.functions.http.Credentials;
import dev.mondrian.functions.http.Secrets;
import java.util.Base64;
import org.springframework.stereotype.Component;

/**
 * Signs deliveries as Standard Webhooks specifies: {@code webhook-signature: v1,<base64 HMAC-SHA256 of
 * "<webhook-id>.<webhook-timestamp>.<body>">}, keyed with the bytes of the secret {@code whsec_<base64>}. The secret
 * is {@code mondrian.webhook-secret}, or one generated into {@code <data dir>/webhook-secret} for operators to read.
 */
@Component
class WebhookSigner {
    private static final String PREFIX = "whsec_";

    private final byte[] key;

    WebhookSigner(MondrianProperties properties) {
        String secret = Credentials.secret(properties.webhookSecret(), properties.dataDir().resolve("webhook-secret"),
                () -> PREFIX + Base64.getEncoder().encodeToString(Secrets.random(32)));
        if (!secret.startsWith(PREFIX)) {
            throw new IllegalStateException("mondrian.webhook-secret must be whsec_ followed by base64");
        }
        this.key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
    }

    String signature(String id, long timestampSeconds, String body) {
        return "v1," + Base64.getEncoder().encodeToString(Secrets.hmacSha256(key, id + "." + timestampSeconds + "." + body));
    }
}
