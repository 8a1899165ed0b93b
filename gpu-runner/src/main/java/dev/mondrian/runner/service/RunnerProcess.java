package dev.mondrian.runner.service;

import dev.mondrian.protocol.LogFields;
import dev.mondrian.runner.metrics.MetricsServer;
import dev.mondrian.runner.metrics.PrometheusMetrics;
import dev.mondrian.runner.metrics.RunnerMetrics;
import dev.mondrian.runner.model.ComputeThreads;
import dev.mondrian.runner.protocol.FunctionsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A runner as an operating-system process: load the model once, claim until SIGTERM or Ctrl-C,
 * then drain (finish or hand back the running jobs) before the JVM exits.
 */
public final class RunnerProcess {
    private static final Logger log = LoggerFactory.getLogger(RunnerProcess.class);

    private RunnerProcess() {}

    public static void run(RunnerOptions options) throws IOException, InterruptedException {
        long start = System.nanoTime();
        MDC.put(LogFields.RUNNER_ID, options.runnerId());
        int threads = ComputeThreads.configure(options.model(), options.threads());
        try (ModelHost host = ModelHost.load(options.model(), options.device(), options.context(), options.weights(), options.slots(),
                options.adapters(), options.adapterCache())) {
            log.info("loaded {} on {} ({} compute thread(s), {} slot(s) of {} MB KV cache) in {} ms", options.model(),
                    host.model().device(), threads, host.slots(), host.model().decoder().cacheBytes() / 1_000_000,
                    (System.nanoTime() - start) / 1_000_000);
            RunnerMetrics metrics = options.metricsPort() == null ? RunnerMetrics.NONE
                    : new PrometheusMetrics(options.runnerId(), options.model(), host.model().device());
            FunctionsClient client = new FunctionsClient(options.functionsUrl(), () -> token(options));
            RunnerService service = new RunnerService(options, host, client, metrics);
            try (MetricsServer server = metrics instanceof PrometheusMetrics served ? serve(options, served) : null) {
                Thread hook = new Thread(() -> {
                    try {
                        service.shutdown();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "runner-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                service.start();
                service.awaitTermination();
            }
        }
    }

    private static MetricsServer serve(RunnerOptions options, PrometheusMetrics metrics) throws IOException {
        InetSocketAddress address = new InetSocketAddress(options.metricsAddress(), options.metricsPort());
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("--metrics-address '" + options.metricsAddress()
                    + "' is not an address");
        }
        MetricsServer server;
        try {
            server = MetricsServer.start(address, metrics);
        } catch (IOException e) {
            throw new IOException("cannot serve metrics at " + address + ": " + e.getMessage(), e);
        }
        log.info("metrics at http://{}:{}/metrics", options.metricsAddress(), server.address().getPort());
        return server;
    }

    private static String token(RunnerOptions options) {
        if (options.token() != null) {
            return options.token();
        }
        Path file = options.tokenFile();
        try {
            return Files.readString(file).strip();
        } catch (NoSuchFileException e) {
            // The service writes it on its first start; until then claims get 401 and are retried.
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the runner token from " + file, e);
        }
    }
}
