package dev.mondrian.functions.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.Http;
import java.util.Map;
import org.springframework.test.context.TestPropertySource;

/** The same malformed requests with client keys on: refused as cleanly, nothing refused stored. */
@TestPropertySource(properties = {"mondrian.client-keys=true", "mondrian.key-jobs-per-minute=0", "mondrian.key-max-active=0"})
class FuzzWithClientKeysTest extends FuzzTest {
    private String key;

    @Override
    protected String clientKey() {
        if (key == null) {
            Http.Response created = http.postJson("/api/admin/keys", ADMIN_TOKEN, Map.of("name", "fuzz"));
            assertThat(created.status()).isEqualTo(201);
            key = created.json().get("key").asString();
        }
        return key;
    }
}
