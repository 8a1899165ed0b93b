package dev.mondrian.runner.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A runner as its own operating-system process, started exactly as {@code ./mondrian start}
 * starts it (the build's runtime class path, {@code Main runner}), so tests can SIGKILL or
 * SIGTERM it.
 */
final class RunnerChild implements AutoCloseable {
    /** The runner token {@code ServiceProcess} starts the service with. */
    static final String TOKEN = "runner-token-for-tests";

    private final Process process;
    private final Path log;

    private RunnerChild(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static RunnerChild start(Path model, String functionsUrl, Path log, String... flags) throws IOException {
        return start(model, functionsUrl, log, Map.of(), flags);
    }

    /** @param environment variables added to this JVM's, such as MONDRIAN_LOG_FORMAT */
    static RunnerChild start(Path model, String functionsUrl, Path log, Map<String, String> environment, String... flags)
            throws IOException {
        Path classpathFile = Path.of(System.getProperty("mondrian.runner.classpath"));
        String classpath = classpathFile.resolveSibling("classes") + java.io.File.pathSeparator
                + Files.readString(classpathFile).strip();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true",
                "-Xmx512m", "-cp", classpath,
                "dev.mondrian.runner.Main", "runner", "--model", model.toString(), "--functions-url", functionsUrl,
                "--runner-token", TOKEN, "--device", "cpu", "--delta-interval-ms", "50", "--claim-wait-ms", "2000"));
        command.addAll(List.of(flags));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new RunnerChild(process, log);
    }

    /** SIGKILL: no shutdown hook runs, as when a machine dies. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, then the exit code once the runner has drained. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new AssertionError("runner still running " + timeout + " after SIGTERM; log:\n" + log());
        }
        return process.exitValue();
    }

    /** The exit code of a runner that stops by itself. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new AssertionError("runner still running after " + timeout + "; log:\n" + log());
        }
        return process.exitValue();
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Waits for a line containing {@code text} in the runner's log. */
    String awaitLog(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : log().split("\n")) {
                if (line.contains(text)) {
                    return line;
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("runner exited with " + process.exitValue() + "; log:\n" + log());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no '" + text + "' in the runner's log within " + timeout + ":\n" + log());
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
