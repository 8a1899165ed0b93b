package dev.mondrian.runner.metrics;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import dev.mondrian.runner.generation.ProcessMemory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The runner's metrics in Prometheus text format ({@link MetricsServer} serves them): what it runs (model folder,
 * device), how much (jobs running, tokens generated, decode speed, time to first token) and in how much memory (JVM
 * heap, the resident set with PyTorch's native memory inside, the GPU's memory on a GPU).
 */
public final class PrometheusMetrics implements RunnerMetrics {
    private static final Duration[] FIRST_TOKEN_BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter tokens;
    private final Timer firstToken;
    private volatile double tokensPerSecond;

    public PrometheusMetrics(String runnerId, Path modelFolder, Device device) {
        Gauge.builder("mondrian.runner.info", () -> 1)
                .tags("runner", runnerId, "model", modelFolder.toAbsolutePath().normalize().getFileName().toString(),
                        "folder", modelFolder.toAbsolutePath().normalize().toString(), "device", device.getDeviceType())
                .description("What this runner serves: its id, model (folder name and path) and device")
                .register(registry);
        tokens = Counter.builder("mondrian.runner.tokens.generated")
                .description("Tokens generated, every job together").register(registry);
        Gauge.builder("mondrian.runner.tokens.per.second", this, metrics -> metrics.tokensPerSecond)
                .description("Decode speed of the job that generated the latest token").register(registry);
        firstToken = Timer.builder("mondrian.runner.first.token")
                .description("Time from a job's claim to its first generated token (image, prompt and prefill)")
                .serviceLevelObjectives(FIRST_TOKEN_BUCKETS).register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Gauge.builder("process.resident.memory", ProcessMemory::residentBytes).baseUnit(BaseUnits.BYTES)
                .description("Resident set size: the JVM and PyTorch's native memory").register(registry);
        Gauge.builder("process.resident.memory.peak", ProcessMemory::peakBytes).baseUnit(BaseUnits.BYTES)
                .description("Largest resident set size since the runner started").register(registry);
        if (device.isGpu()) {
            Gauge.builder("mondrian.runner.gpu.memory.used", () -> CudaUtils.getGpuMemory(device).getUsed())
                    .baseUnit(BaseUnits.BYTES)
                    .description("Memory in use on the runner's GPU, by every process (PyTorch's cache included)")
                    .register(registry);
            Gauge.builder("mondrian.runner.gpu.memory.total", () -> CudaUtils.getGpuMemory(device).getMax())
                    .baseUnit(BaseUnits.BYTES).description("Memory of the runner's GPU").register(registry);
        }
    }

    @Override
    public void runningJobs(IntSupplier count) {
        Gauge.builder("mondrian.runner.jobs.running", count::getAsInt)
                .description("Jobs this runner is generating now").register(registry);
    }

    @Override
    public void kvCache(LongSupplier usedBytes, long capacityBytes) {
        Gauge.builder("mondrian.runner.kv.cache.used", usedBytes::getAsLong).baseUnit("bytes")
                .description("KV cache memory held by the jobs running now").register(registry);
        Gauge.builder("mondrian.runner.kv.cache.capacity", () -> capacityBytes).baseUnit("bytes")
                .description("KV cache memory the runner's slots may hold (--slots times one job's cache)").register(registry);
    }

    @Override
    public JobMeter job() {
        return new Job(System.nanoTime());
    }

    public String scrape() {
        return registry.scrape();
    }

    private final class Job implements JobMeter {
        private final long start;
        private boolean generating;

        private Job(long start) {
            this.start = start;
        }

        @Override
        public void token(double decodeSpeed) {
            if (!generating) {
                generating = true;
                firstToken.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
            tokens.increment();
            if (decodeSpeed > 0) {
                tokensPerSecond = decodeSpeed;
            }
        }
    }
}
