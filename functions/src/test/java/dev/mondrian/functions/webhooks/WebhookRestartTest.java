package dev.mondrian.functions.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox is in the database: a service killed while a delivery waits for its next retry sends it once back. */
class WebhookRestartTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aDeliveryWaitingForARetrySurvivesAKilledService(@TempDir Path dataDir) throws Exception {
        List<String> settings = List.of("--mondrian.webhook-allowed-hosts=127.0.0.1", "--mondrian.webhook-backoff=300ms",
                "--mondrian.webhook-secret=" + WebhookTest.SECRET);
        try (WebhookReceiver receiver = new WebhookReceiver(0).failFirst(Integer.MAX_VALUE);
             ServiceProcess service = new ServiceProcess(dataDir, List.of("-cp", System.getProperty("java.class.path"),
                     "dev.mondrian.functions.MondrianApplication"), settings).start()) {
            Http http = new Http(service.base());
            String id = http.multipart("/api/jobs", Http.form("prompt", "before the crash", "webhook", receiver.url()))
                    .json().get("job_id").asString();
            assertThat(http.post("/api/jobs/" + id + "/cancel", "application/json", new byte[0]).status()).isEqualTo(200);
            long end = System.nanoTime() + WAIT.toNanos();
            while (receiver.received().size() < 2 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(receiver.received()).as("refused, and retried").hasSizeGreaterThanOrEqualTo(2);

            service.kill();
            receiver.failFirst(0);
            int refusedBefore = receiver.received().size();
            service.start();

            WebhookReceiver.Delivery arrived = receiver.await(d -> d.body().contains(id), WAIT).getFirst();
            assertThat(arrived.headers().get("webhook-signature")).isEqualTo(WebhookTest.sign(arrived));
            assertThat(Http.JSON.readTree(arrived.body()).get("status").asString()).isEqualTo("cancelled");
            Thread.sleep(1000);
            assertThat(receiver.received().subList(refusedBefore, receiver.received().size()))
                    .as("delivered once after the restart").hasSize(1);
        }
    }
}
