package dev.mondrian.functions.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.FakeRunner.Claim;
import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.ServiceTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** Webhooks to a real receiver on loopback, which the operator's setting allows by its address. */
@TestPropertySource(properties = {"mondrian.webhook-allowed-hosts=127.0.0.1", "mondrian.webhook-backoff=100ms",
        "mondrian.webhook-secret=" + WebhookTest.SECRET})
class WebhookTest extends ServiceTest {
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private WebhookReceiver receiver;

    @BeforeEach
    void receiver() throws Exception {
        receiver = new WebhookReceiver(0);
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void theJobsMomentsArriveSignedWithTheJobAsTheirBody() throws Exception {
        String id = create(Map.of("prompt", "Light?", "webhook", receiver.url(), "webhook_events", "start,completed"));
        Claim claim = runner.claim(5000);
        assertThat(claim.jobId()).isEqualTo(id);
        assertThat(runner.complete(claim, "Soft light.").status()).isEqualTo(200);

        WebhookReceiver.Delivery done = receiver.await(d -> d.body().contains("\"status\":\"completed\""), WAIT).getFirst();
        WebhookReceiver.Delivery started = receiver.await(d -> d.body().contains("\"status\":\"running\""), WAIT)
                .getFirst();
        assertThat(started.headers().get("mondrian-webhook-event")).isEqualTo("start");
        assertThat(done.headers().get("mondrian-webhook-event")).isEqualTo("completed");
        assertThat(done.headers().get("webhook-signature")).isEqualTo(sign(done));
        assertThat(done.headers().get("webhook-id")).startsWith("msg_");
        assertThat(Long.parseLong(done.headers().get("webhook-timestamp")))
                .isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
        assertThat(Http.JSON.readTree(done.body())).isEqualTo(http.get("/api/jobs/" + id).json());
        assertThat(receiver.received()).as("start and completed, each once").hasSize(2);
    }

    @Test
    void aDeliveryTheReceiverRefusesIsRetriedUntilItArrivesAndOperatorsSeeEachAttempt() throws Exception {
        receiver.failFirst(2);
        String id = create(Map.of("prompt", "Retry me", "webhook", receiver.url()));
        assertThat(http.post("/api/jobs/" + id + "/cancel", "application/json", new byte[0]).status()).isEqualTo(200);

        WebhookReceiver.Delivery arrived = receiver.await(d -> d.body().contains(id), WAIT).getFirst();
        assertThat(receiver.received()).extracting(WebhookReceiver.Delivery::answered).containsExactly(503, 503, 204);
        assertThat(receiver.received()).extracting(d -> d.headers().get("webhook-id")).containsOnly(
                arrived.headers().get("webhook-id"));

        JsonNode delivery = delivery(arrived.headers().get("webhook-id"));
        assertThat(delivery.get("state").asString()).isEqualTo("delivered");
        assertThat(delivery.get("event").asString()).isEqualTo("completed");
        List<Integer> statuses = new java.util.ArrayList<>();
        delivery.get("attempt_log").forEach(attempt -> statuses.add(attempt.get("status_code").asInt()));
        assertThat(statuses).containsExactly(503, 503, 204);
        assertThat(delivery.get("attempt_log").get(0).get("error").asString()).contains("503");
        assertThat(http.get("/api/admin/webhooks").status()).isEqualTo(401);
        for (String limit : new String[] {"0", "501", "many"}) {
            Http.Response refused = http.get("/api/admin/webhooks?limit=" + limit, ADMIN_TOKEN);
            assertThat(refused.status()).as("limit " + limit).isEqualTo(400);
            assertThat(refused.error()).contains("limit");
        }

        Http.Response again = http.postJson("/api/admin/webhooks/" + arrived.headers().get("webhook-id") + "/redeliver",
                ADMIN_TOKEN, "");
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(receiver.await(d -> d != arrived && d.body().equals(arrived.body()), WAIT)).hasSize(1);
        assertThat(http.postJson("/api/admin/webhooks/msg_nope/redeliver", ADMIN_TOKEN, "").status()).isEqualTo(404);
    }

    @Test
    void outputIsToldAtMostOncePerUpdateIntervalWithTheLatestState() throws Exception {
        String id = create(Map.of("prompt", "Stream", "update_interval_ms", "1000", "webhook", receiver.url(),
                "webhook_events", "output"));
        Claim claim = runner.claim(5000);
        long start = System.currentTimeMillis();
        for (int i = 1; i <= 20; i++) {
            assertThat(runner.thinking(claim, "update_seq", i, "tokens", i, "text", "w" + i + " ").status()).isEqualTo(200);
            Thread.sleep(50);
        }
        receiver.await(d -> d.body().contains("\"tokens\":20"), WAIT);
        long seconds = (System.currentTimeMillis() - start) / 1000;
        assertThat(receiver.received()).hasSizeBetween(1, (int) seconds + 2);
        assertThat(receiver.received().size()).isLessThan(20);
        assertThat(runner.complete(claim, "done").status()).isEqualTo(200);
    }

    @Test
    void aWebhookIntoThePrivateNetworkIsRefusedAndNothingIsStored() {
        int before = http.get("/api/jobs?limit=500", ADMIN_TOKEN).json().size();
        for (String[] refused : new String[][] {
                {"http://10.1.2.3/hook", "10.1.2.3, a private address"},
                {"http://169.254.169.254/latest/meta-data/", "link-local"},
                {"http://localhost:9/hook", "loopback"},
                {"http://[::1]:9/hook", "loopback"},
                {"http://[fd00::1]/hook", "unique-local"},
                {"ftp://example.com/hook", "http or https"},
                {"http://user:pw@example.com/hook", "user name"}}) {
            Http.Response response = http.postJson("/api/jobs", null, Map.of("prompt", "p", "webhook", refused[0]));
            assertThat(response.status()).as(refused[0]).isEqualTo(400);
            assertThat(response.error()).as(refused[0]).startsWith("webhook ").contains(refused[1]);
        }
        Http.Response form = http.multipart("/api/jobs", Http.form("prompt", "p", "webhook", "http://192.168.1.1/"));
        assertThat(form.status()).isEqualTo(400);
        assertThat(http.postJson("/api/jobs", null, Map.of("prompt", "p", "webhook", receiver.url(),
                "webhook_events", List.of("finished"))).error()).contains("unknown event 'finished'");
        assertThat(http.postJson("/api/jobs", null, Map.of("prompt", "p", "webhook_events", List.of("start")))
                .error()).contains("without a webhook");
        assertThat(http.get("/api/jobs?limit=500", ADMIN_TOKEN).json().size()).isEqualTo(before);
    }

    private String create(Map<String, Object> fields) {
        Http.Response created = http.multipart("/api/jobs", fields);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("job_id").asString();
    }

    private JsonNode delivery(String id) {
        for (JsonNode delivery : http.get("/api/admin/webhooks", ADMIN_TOKEN).json()) {
            if (delivery.get("id").asString().equals(id)) {
                return delivery;
            }
        }
        throw new AssertionError("no delivery " + id + " in the operators' list");
    }

    /** Standard Webhooks' signature, computed here from the secret as a receiver would. */
    static String sign(WebhookReceiver.Delivery delivery) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(SECRET.substring("whsec_".length())), "HmacSHA256"));
        String signed = delivery.headers().get("webhook-id") + "." + delivery.headers().get("webhook-timestamp") + "."
                + delivery.body();
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }
}
