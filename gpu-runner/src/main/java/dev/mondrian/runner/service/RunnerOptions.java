package dev.mondrian.runner.service;

import dev.mondrian.runner.model.WeightFormat;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a runner is configured with, however it was given (flags or environment variables, read by the
 * command line), so the runner itself reads no environment.
 *
 * @param token the runner token, or null to read {@code tokenFile} (re-read on every call, so a
 *              runner started before the service that writes the file still gets in)
 * @param slots jobs generated at once, {@code auto} or a number (resolved against the loaded model by {@link Slots})
 * @param metricsPort the port of the metrics server, or null for none
 * @param metricsAddress the address it listens on
 * @param adapters the folder of LoRA adapters, one folder each, named as advisors name them; null for none
 * @param adapterCache adapters kept loaded at once
 * @param weights how a CPU holds BF16 weights
 */
public record RunnerOptions(URI functionsUrl, String token, Path tokenFile, Path model, String device, String threads,
                            int context, WeightFormat weights, Path adapters, int adapterCache,
                            String slots, Duration updateInterval, Duration deltaInterval, Duration claimWait,
                            Duration drainTimeout, String runnerId, int topK, double topP,
                            double repetitionPenalty, Integer metricsPort, String metricsAddress) {
    public RunnerOptions {
        if (metricsPort != null && (metricsPort < 1 || metricsPort > 65_535)) {
            throw new IllegalArgumentException("metrics port must be between 1 and 65535, got " + metricsPort);
        }
        if (!slots.equals("auto") && !slots.matches("[1-9][0-9]{0,3}")) {
            throw new IllegalArgumentException("--slots must be auto or a whole number from 1, got '" + slots + "'");
        }
        if (updateInterval.isNegative() || updateInterval.isZero() || deltaInterval.isNegative() || deltaInterval.isZero()) {
            throw new IllegalArgumentException("update and delta intervals must be positive");
        }
        if (claimWait.toMillis() > 60_000) {
            throw new IllegalArgumentException("claim wait is at most 60 s (the service's limit), got " + claimWait);
        }
    }
}
