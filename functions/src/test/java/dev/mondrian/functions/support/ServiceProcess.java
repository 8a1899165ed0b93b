package dev.mondrian.functions.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The functions service as a separate operating-system process, so a test can kill it with
 * SIGKILL and start it again over the same data folder, on the same port.
 */
public final class ServiceProcess implements AutoCloseable {
    private final Path dataDir;
    private final List<String> launch;
    private final List<String> properties;
    private final int port;
    private final Path log;
    private Process process;

    /** The service from this JVM's class path (the functions module's own tests). */
    public ServiceProcess(Path dataDir) throws IOException {
        this(dataDir, List.of("-cp", System.getProperty("java.class.path"), "dev.mondrian.functions.MondrianApplication"),
                List.of());
    }

    /**
     * @param launch what follows {@code java}: {@code -jar <the exec jar>} or a class path and main class
     * @param properties more {@code --name=value} settings, such as a short lease
     */
    public ServiceProcess(Path dataDir, List<String> launch, List<String> properties) throws IOException {
        this(dataDir, dataDir.resolve("service.log"), launch, properties);
    }

    /** @param log where the service's output goes (outside a data folder that may turn read-only) */
    public ServiceProcess(Path dataDir, Path log, List<String> launch, List<String> properties) throws IOException {
        this.dataDir = dataDir;
        this.launch = List.copyOf(launch);
        this.properties = List.copyOf(properties);
        this.port = freePort();
        this.log = log;
    }

    /** The service from this JVM's class path, its output in {@code log}. */
    public static ServiceProcess logging(Path dataDir, Path log) throws IOException {
        return new ServiceProcess(dataDir, log,
                List.of("-cp", System.getProperty("java.class.path"), "dev.mondrian.functions.MondrianApplication"), List.of());
    }

    public Path log() {
        return log;
    }

    /** The operating-system process id, to read its memory from /proc. */
    public long pid() {
        return process.pid();
    }

    public String base() {
        return "http://127.0.0.1:" + port;
    }

    public ServiceProcess start() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(launch);
        command.add("--server.port=" + port);
        command.add("--server.address=127.0.0.1");
        command.add("--mondrian.data-dir=" + dataDir);
        command.add("--mondrian.runner-token=" + ServiceTest.RUNNER_TOKEN);
        command.add("--mondrian.admin-token=" + ServiceTest.ADMIN_TOKEN);
        if (properties.stream().noneMatch(p -> p.startsWith("--mondrian.heartbeat-interval="))) {
            command.add("--mondrian.heartbeat-interval=1s"); // tests see keep-alives without waiting 15 s
        }
        command.addAll(properties);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        awaitHealthy(Duration.ofSeconds(90));
        return this;
    }

    /** SIGTERM, as a service manager stops it; waits until the process has exited. */
    public void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    /** SIGKILL: no shutdown hook, no flush, as a crash or an OOM kill would do. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    private void awaitHealthy(Duration timeout) throws Exception {
        Http http = new Http(base());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                List<String> lines = java.nio.file.Files.readAllLines(log);
                throw new IllegalStateException("service exited with " + process.exitValue() + "; the end of " + log
                        + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
            }
            try {
                if (http.get("/health").status() == 200) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // connection refused while starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("service not healthy within " + timeout + "; see " + log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
