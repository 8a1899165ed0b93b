package dev.mondrian.functions.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mondrian.functions.support.FakeRunner.Claim;
import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.ServiceTest;
import dev.mondrian.functions.support.SseClient;
import dev.mondrian.functions.support.WsClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * With client keys on, tried the ways around them: no key, a made-up key, another key's job id, a forged or expired
 * read token, a key revoked while its job streams, and more jobs than the quota. Nothing refused may be stored.
 */
@TestPropertySource(properties = {"mondrian.client-keys=true", "mondrian.key-jobs-per-minute=4",
        "mondrian.key-max-active=2", "mondrian.read-token-ttl=3s"})
class ClientKeysTest extends ServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private String newKey(String name) {
        Http.Response created = http.postJson("/api/admin/keys", ADMIN_TOKEN, Map.of("name", name));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("key").asString()).startsWith("mk_");
        return created.json().get("key").asString();
    }

    private Http.Response create(String key, String prompt) {
        return http.postJson("/api/jobs", key, Map.of("prompt", prompt));
    }

    private int jobCount() {
        return http.get("/api/jobs?limit=500", ADMIN_TOKEN).json().size();
    }

    @Test
    void creatingNeedsALiveKeyAndAJobIsReadOnlyWithItsKeyOrItsReadToken() throws Exception {
        String alice = newKey("alice");
        String bob = newKey("bob");
        int before = jobCount();
        assertThat(create(null, "no key").status()).isEqualTo(401);
        assertThat(create("mk_made-up", "made up").status()).isEqualTo(401);
        assertThat(http.multipart("/api/jobs", Http.form("prompt", "form, no key")).status()).isEqualTo(401);
        assertThat(jobCount()).as("nothing refused is stored").isEqualTo(before);

        Http.Response created = create(alice, "Alice's question");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("job_id").asString();
        assertThat(http.get("/api/jobs/" + id, alice).status()).isEqualTo(200);
        for (String stranger : new String[] {null, bob, "mk_made-up"}) {
            for (String path : new String[] {"/api/jobs/" + id, "/status/" + id, "/jobs/" + id, "/analysis/" + id,
                    "/api/jobs/" + id + "/events"}) {
                Http.Response refused = http.get(path, stranger);
                assertThat(refused.status()).as(path + " for " + stranger).isEqualTo(404);
                assertThat(refused.error()).contains("no job with id");
            }
            assertThat(http.postJson("/api/jobs/" + id + "/cancel", stranger, "").status()).isEqualTo(404);
            assertThat(http.postJson("/api/jobs/" + id + "/read-token", stranger, "").status()).isEqualTo(404);
        }

        JsonNode minted = http.postJson("/api/jobs/" + id + "/read-token", alice, "").json();
        String token = minted.get("token").asString();
        assertThat(http.get("/api/jobs/" + id + "?token=" + token).status()).isEqualTo(200);
        assertThat(http.get("/status/" + id + "?token=" + token).status()).isEqualTo(200);
        String otherJob = create(bob, "Bob's").json().get("job_id").asString();
        assertThat(http.get("/api/jobs/" + otherJob + "?token=" + token).status()).as("a token reads its job only")
                .isEqualTo(404);
        String forged = token.substring(0, token.length() - 3) + "abc";
        assertThat(http.get("/api/jobs/" + id + "?token=" + forged).status()).isEqualTo(404);
        String extended = "rt_" + (System.currentTimeMillis() + 86_400_000L) + token.substring(token.lastIndexOf('_'));
        assertThat(http.get("/api/jobs/" + id + "?token=" + extended).status()).isEqualTo(404);

        // A browser follows with the token: SSE and WebSocket both.
        Claim claim = runner.claim(5000);
        assertThat(claim.jobId()).isEqualTo(id);
        assertThat(runner.complete(claim, "Yours alone.").status()).isEqualTo(200);
        SseClient events = SseClient.open(url(minted.get("events_url").asString())).awaitEnd(WAIT);
        assertThat(events.frames().getLast().event()).isEqualTo("done");
        try (WsClient ws = new WsClient(wsUrl("/api/jobs/" + id + "/ws?token=" + token))) {
            assertThat(ws.awaitClose(20)).isEqualTo(1000);
            assertThat(ws.messages()).anyMatch(m -> m.contains("Yours alone."));
        }
        assertThatThrownBy(() -> new WsClient(wsUrl("/api/jobs/" + id + "/ws"))).as("no token, no socket");

        Thread.sleep(3200);
        assertThat(http.get("/api/jobs/" + id + "?token=" + token).status()).as("expired").isEqualTo(404);
        assertThat(http.postJson("/api/jobs/" + otherJob + "/cancel", bob, "").status()).isEqualTo(200);
    }

    @Test
    void aKeyRevokedWhileItsJobStreamsEndsTheStreamAndReadsNoMore() throws Exception {
        String carol = newKey("carol");
        String id = create(carol, "Carol's").json().get("job_id").asString();
        String token = http.postJson("/api/jobs/" + id + "/read-token", carol, "").json().get("token").asString();
        SseClient stream = SseClient.open(url("/api/jobs/" + id + "/events?token=" + token));
        stream.awaitFrame(frame -> frame.event().equals("status_update"), WAIT);

        String keyId = http.get("/api/admin/keys", ADMIN_TOKEN).json().valueStream()
                .filter(k -> k.get("name").asString().equals("carol")).findFirst().orElseThrow().get("id").asString();
        Http.Response revoked = http.postJson("/api/admin/keys/" + keyId + "/revoke", ADMIN_TOKEN, "");
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().get("revoked_at").isNull()).isFalse();

        stream.awaitEnd(WAIT); // within one keep-alive period (1 s in the tests)
        assertThat(stream.frames()).noneMatch(frame -> frame.event().equals("done"));
        assertThat(http.get("/api/jobs/" + id, carol).status()).isEqualTo(404);
        assertThat(create(carol, "after revocation").status()).isEqualTo(401);
        assertThat(http.postJson("/api/admin/keys/key_nope/revoke", ADMIN_TOKEN, "").status()).isEqualTo(404);
        for (Object name : new Object[] {"", "   ", "x".repeat(201)}) {
            Http.Response unnamed = http.postJson("/api/admin/keys", ADMIN_TOKEN, Map.of("name", name));
            assertThat(unnamed.status()).as("name %s", name).isEqualTo(400);
            assertThat(unnamed.error()).contains("name the key");
        }
        assertThat(http.postJson("/api/admin/keys", ADMIN_TOKEN, "{}").status()).isEqualTo(400);
        assertThat(http.postJson("/api/admin/keys", RUNNER_TOKEN, Map.of("name", "not an admin")).status()).isEqualTo(401);
        // The runner still finishes it (runners are not clients), so no other test claims it.
        Claim claim = runner.claim(5000);
        assertThat(claim.jobId()).isEqualTo(id);
        assertThat(runner.fail(claim, "its key was revoked").status()).isEqualTo(200);
    }

    @Test
    void aKeyOverItsQuotaIsToldWhenToComeBackAndNothingIsStored() {
        String dave = newKey("dave");
        String first = create(dave, "one").json().get("job_id").asString();
        String second = create(dave, "two").json().get("job_id").asString();
        int before = jobCount();
        Http.Response full = create(dave, "three at once");
        assertThat(full.status()).isEqualTo(429);
        assertThat(full.error()).contains("2 jobs queued or running at once");
        assertThat(full.headers().firstValue("Retry-After")).isPresent();
        assertThat(jobCount()).isEqualTo(before);

        for (String id : new String[] {first, second}) {
            assertThat(http.postJson("/api/jobs/" + id + "/cancel", dave, "").status()).isEqualTo(200);
        }
        String third = create(dave, "three").json().get("job_id").asString();
        String fourth = create(dave, "four").json().get("job_id").asString();
        Http.Response tooFast = create(dave, "five in a minute");
        assertThat(tooFast.status()).isEqualTo(429);
        assertThat(tooFast.error()).contains("4 jobs a minute");
        assertThat(Long.parseLong(tooFast.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
        String erin = newKey("erin");
        Http.Response erinsJob = create(erin, "another key's own quota");
        assertThat(erinsJob.status()).as("quotas are per key").isEqualTo(201);
        // Cancelled by their keys: the tests' shared clean-up has none.
        for (String id : new String[] {third, fourth}) {
            assertThat(http.postJson("/api/jobs/" + id + "/cancel", dave, "").status()).isEqualTo(200);
        }
        assertThat(http.postJson("/api/jobs/" + erinsJob.json().get("job_id").asString() + "/cancel", erin, "")
                .status()).isEqualTo(200);
    }
}
