package dev.mondrian.runner.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.Scrape;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The runner's metrics over real HTTP on loopback, as Prometheus scrapes them. */
class MetricsServerTest {
    @Test
    void theScrapeShowsWhatTheRunnerServesAndWhatItGenerated() throws Exception {
        PrometheusMetrics metrics = new PrometheusMetrics("runner-7", Path.of("models", "llava-small"), Device.cpu());
        AtomicInteger running = new AtomicInteger(1);
        metrics.runningJobs(running::get);
        try (MetricsServer server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), metrics)) {
            Http http = new Http("http://127.0.0.1:" + server.address().getPort());
            Scrape idle = scrape(http);
            assertThat(idle.value("mondrian_runner_tokens_generated_total")).isZero();
            assertThat(idle.value("mondrian_runner_first_token_seconds_count")).isZero();

            RunnerMetrics.JobMeter job = metrics.job();
            Thread.sleep(20);
            job.token(0); // the first token: no decode speed yet
            job.token(250.0);
            job.token(260.0);
            Scrape after = scrape(http);
            assertThat(after.samples("mondrian_runner_info")).singleElement().satisfies(info -> {
                assertThat(info.value()).isEqualTo(1);
                assertThat(info.labels()).containsEntry("runner", "runner-7").containsEntry("model", "llava-small")
                        .containsEntry("device", "cpu");
                assertThat(Path.of(info.labels().get("folder")).isAbsolute()).isTrue();
                assertThat(info.labels().get("folder")).endsWith(Path.of("models", "llava-small").toString());
            });
            assertThat(after.value("mondrian_runner_jobs_running")).isEqualTo(1);
            assertThat(after.value("mondrian_runner_tokens_generated_total")).isEqualTo(3);
            assertThat(after.value("mondrian_runner_tokens_per_second")).isEqualTo(260.0);
            assertThat(after.value("mondrian_runner_first_token_seconds_count")).isEqualTo(1);
            assertThat(after.value("mondrian_runner_first_token_seconds_sum")).isBetween(0.02, 10.0);
            assertThat(after.value("mondrian_runner_first_token_seconds_bucket", "le", "0.01")).isZero();
            assertThat(after.value("process_resident_memory_bytes")).isGreaterThan(1 << 20);
            assertThat(after.value("process_resident_memory_peak_bytes"))
                    .isGreaterThanOrEqualTo(after.value("process_resident_memory_bytes"));
            assertThat(after.value("jvm_memory_used_bytes", "area", "heap")).isPositive();
            assertThat(after.has("mondrian_runner_gpu_memory_used_bytes")).as("no GPU gauge on a CPU").isFalse();

            running.set(0);
            assertThat(scrape(http).value("mondrian_runner_jobs_running")).isZero();
        }
    }

    @Test
    void anythingButGetMetricsIsAJsonError() throws Exception {
        PrometheusMetrics metrics = new PrometheusMetrics("runner", Path.of("model"), Device.cpu());
        try (MetricsServer server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), metrics)) {
            Http http = new Http("http://127.0.0.1:" + server.address().getPort());
            for (String path : new String[] {"/", "/metrics/", "/actuator/prometheus"}) {
                Http.Response missing = http.get(path);
                assertThat(missing.status()).as(path).isEqualTo(404);
                assertThat(missing.error()).as(path).contains("the metrics are at /metrics");
            }
            Http.Response post = http.postJson("/metrics", null, "{}");
            assertThat(post.status()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET");
            assertThat(post.error()).isEqualTo("method POST is not allowed here");
        }
    }

    private static Scrape scrape(Http http) {
        Http.Response response = http.get("/metrics");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        return Scrape.parse(response.body());
    }
}
