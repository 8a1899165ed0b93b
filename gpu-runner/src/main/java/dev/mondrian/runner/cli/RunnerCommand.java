package dev.mondrian.runner.cli;

import dev.mondrian.runner.model.WeightFormat;
import dev.mondrian.runner.service.RunnerOptions;
import dev.mondrian.runner.service.RunnerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/** {@code runner --model DIR [...]}: the long-running runner; every flag can also come from the environment. */
final class RunnerCommand {
    static final Set<String> OPTIONS = Set.of("functions-url", "runner-token", "runner-token-file", "data-dir", "model",
            "device", "threads", "context", "weights", "slots", "update-interval-ms", "delta-interval-ms", "claim-wait-ms", "drain-timeout-ms",
            "runner-id", "top-k", "top-p", "repetition-penalty", "metrics-port", "metrics-address", "adapters",
            "adapter-cache");

    /** Mondrian's own model, as the repository ships it; paths are from the repository's root, where ./mondrian runs. */

    private RunnerCommand() {}

    static RunnerOptions options(Args args) {
        Path dataDir = Path.of(args.get("data-dir", "data"));
        Path model = model(args);
        return new RunnerOptions(url(args.get("functions-url", "http://localhost:8080")), args.get("runner-token", null),
                Path.of(args.get("runner-token-file", dataDir.resolve("runner-token").toString())),
                model, args.get("device", "auto"), args.get("threads", "auto"),
                args.integer("context", 4096), WeightFormat.parse(args.get("weights", "stored")), adapters(args, model), args.integer("adapter-cache", 8),
                args.get("slots", "auto"), millis(args, "update-interval-ms", 5_000), millis(args, "delta-interval-ms", 100),
                millis(args, "claim-wait-ms", 25_000), millis(args, "drain-timeout-ms", 30_000),
                args.get("runner-id", defaultRunnerId()), args.integer("top-k", 0), args.decimal("top-p", 0.95),
                args.decimal("repetition-penalty", 1.0),
                args.get("metrics-port", null) == null ? null : args.integer("metrics-port", 0),
                args.get("metrics-address", "0.0.0.0"));
    }

    static void run(Args args) throws IOException, InterruptedException {
        RunnerProcess.run(options(args));
    }

    private static Path model(Args args) {
        String given = args.get("model", null);
        if (given != null) {
            return Path.of(given);
        }
        if (!java.nio.file.Files.isRegularFile(RunnerCli.SHIPPED_MODEL.resolve("config.json"))) {
            throw new IllegalArgumentException("no --model given, and Mondrian's own model is not at "
                    + RunnerCli.SHIPPED_MODEL + " (run from the repository's root, or pass --model DIR or set MONDRIAN_MODEL)");
        }
        return RunnerCli.SHIPPED_MODEL;
    }

    /** --adapters, else the model folder's adapters/ when it has one. */
    private static Path adapters(Args args, Path model) {
        String given = args.get("adapters", null);
        if (given != null) {
            return Path.of(given);
        }
        Path beside = model.resolve("adapters");
        return java.nio.file.Files.isDirectory(beside) ? beside : null;
    }

    private static Duration millis(Args args, String name, int fallback) {
        return Duration.ofMillis(args.integer(name, fallback));
    }

    private static URI url(String value) {
        try {
            URI uri = new URI(value.endsWith("/") ? value : value + "/");
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("--functions-url must be an http(s) URL, got '" + value + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--functions-url is not a URL: " + e.getMessage());
        }
    }

    private static String defaultRunnerId() {
        String host = System.getenv().getOrDefault("HOSTNAME", "runner");
        return host + "-" + ProcessHandle.current().pid();
    }
}
