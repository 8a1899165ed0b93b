package dev.mondrian.runner.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.mondrian.protocol.LogFields;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class JsonLineEncoderTest {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger logger = context.getLogger("dev.mondrian.runner.service.JobExecution");

    private String encode(LoggingEvent event) {
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext(context);
        encoder.start();
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void anEventIsOneLineOfJsonWithTheServicesFieldNamesAndTheMdcFields() {
        LoggingEvent event;
        try (var runner = MDC.putCloseable(LogFields.RUNNER_ID, "gpu-1"); var job = MDC.putCloseable(LogFields.JOB_ID, "ab12")) {
            event = new LoggingEvent(Logger.FQCN, logger, Level.WARN, "job {}: \"quoted\"\nsecond line", null,
                    new Object[] {"ab12"});
            event.getMDCPropertyMap(); // taken now, as the appender does on the logging thread
        }
        String line = encode(event);

        assertThat(line).endsWith("\n").hasLineCount(1);
        JsonNode json = JsonMapper.builder().build().readTree(line);
        assertThat(json.propertyNames()).containsExactly("@timestamp", "@version", "message", "logger_name",
                "thread_name", "level", "level_value", "runner_id", "job_id");
        assertThat(json.get("message").asString()).isEqualTo("job ab12: \"quoted\"\nsecond line");
        assertThat(json.get("logger_name").asString()).isEqualTo("dev.mondrian.runner.service.JobExecution");
        assertThat(json.get("level").asString()).isEqualTo("WARN");
        assertThat(json.get("level_value").asInt()).isEqualTo(30000);
        assertThat(json.get("runner_id").asString()).isEqualTo("gpu-1");
        assertThat(json.get("job_id").asString()).isEqualTo("ab12");
        assertThat(json.get("@timestamp").asString()).isEqualTo(event.getInstant().toString());
    }

    @Test
    void aFailureCarriesItsStackTrace() {
        LoggingEvent event = new LoggingEvent(Logger.FQCN, logger, Level.ERROR, "generation failed",
                new IllegalStateException("boom"), null);
        JsonNode json = JsonMapper.builder().build().readTree(encode(event));
        assertThat(json.get("stack_trace").asString()).startsWith("java.lang.IllegalStateException: boom")
                .contains("JsonLineEncoderTest");
    }
}
