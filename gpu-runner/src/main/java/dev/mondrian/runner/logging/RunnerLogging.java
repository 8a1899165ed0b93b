package dev.mondrian.runner.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Locale;

/**
 * The runner's logging, set up by Logback when the first logger is made (META-INF/services): every line on stderr,
 * as text ({@code MONDRIAN_LOG_FORMAT} unset or {@code text}: time, thread, level, class, message) or as one JSON
 * object per line ({@code json}, {@link JsonLineEncoder}). An environment variable, not a flag: logging starts before
 * the flags are read.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class RunnerLogging extends ContextAwareBase implements Configurator {
    static final String FORMAT_VARIABLE = "MONDRIAN_LOG_FORMAT";
    private static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} [%thread] %level %logger{0} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        String format = System.getenv().getOrDefault(FORMAT_VARIABLE, "text").strip().toLowerCase(Locale.ROOT);
        boolean json = format.equals("json");
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setTarget("System.err");
        console.setEncoder(json ? start(new JsonLineEncoder(), context) : text(context));
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        // DJL probes for CUDA at start and warns on every machine without a GPU driver; the device line the runner
        // logs after loading says where it runs.
        context.getLogger("ai.djl.util.cuda.CudaUtils").setLevel(Level.ERROR);
        if (!json && !format.equals("text")) {
            root.warn("{} must be text or json, got '{}'; logging text", FORMAT_VARIABLE, format);
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setPattern(TEXT_PATTERN);
        return start(encoder, context);
    }

    private static Encoder<ILoggingEvent> start(Encoder<ILoggingEvent> encoder, LoggerContext context) {
        encoder.setContext(context);
        encoder.start();
        return encoder;
    }
}
