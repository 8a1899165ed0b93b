package dev.mondrian.functions.logging;

import java.util.Locale;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code mondrian.log-format} ({@code MONDRIAN_LOG_FORMAT}): {@code text}, the default, or {@code json}: one JSON
 * object per line, Spring Boot's structured logging in Logstash's layout, with no banner to break the lines. Read
 * before the logging system starts; Spring Boot's own {@code logging.structured.format.console} still wins when given.
 */
class LogFormat implements EnvironmentPostProcessor {
    static final String PROPERTY = "mondrian.log-format";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String format = environment.getProperty(PROPERTY, "text").strip().toLowerCase(Locale.ROOT);
        switch (format) {
            case "text" -> { }
            case "json" -> environment.getPropertySources().addLast(new MapPropertySource(PROPERTY, Map.of(
                    "logging.structured.format.console", "logstash", "spring.main.banner-mode", "off")));
            default -> throw new IllegalArgumentException(PROPERTY + " (MONDRIAN_LOG_FORMAT) must be text or json, got '"
                    + format + "'");
        }
    }
}
