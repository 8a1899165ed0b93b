package dev.mondrian.runner.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * One log event as one line of JSON, with the functions service's field names (Spring Boot's Logstash layout), so one
 * pipeline reads both: {@code @timestamp}, {@code @version}, {@code message}, {@code logger_name}, {@code thread_name},
 * {@code level}, {@code level_value}, the MDC fields ({@code runner_id}, {@code job_id}) and {@code stack_trace}.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("@timestamp", event.getInstant().toString());
        line.put("@version", "1");
        line.put("message", event.getFormattedMessage());
        line.put("logger_name", event.getLoggerName());
        line.put("thread_name", event.getThreadName());
        line.put("level", event.getLevel().toString());
        line.put("level_value", event.getLevel().toInt());
        line.putAll(event.getMDCPropertyMap());
        if (event.getThrowableProxy() != null) {
            line.put("stack_trace", ThrowableProxyUtil.asString(event.getThrowableProxy()));
        }
        return (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }
}
