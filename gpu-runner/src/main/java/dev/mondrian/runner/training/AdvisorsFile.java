package dev.mondrian.runner.training;

import dev.mondrian.runner.protocol.RunnerWire.Advisor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The advisor personas, read from the service's own advisors.json: the model learns from exactly
 * the system turns the runner will give it.
 */
public final class AdvisorsFile {
    /** Where the functions service keeps them, from the repository's root. */
    public static final Path DEFAULT = Path.of("functions", "src", "main", "resources", "advisors.json");
    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private AdvisorsFile() {}

    public static Map<String, Advisor> read(Path file) throws IOException {
        List<Advisor> advisors;
        try {
            advisors = JSON.readValue(file.toFile(), new TypeReference<List<Advisor>>() {});
        } catch (JacksonException e) {
            throw new IOException("cannot read the advisors from " + file + ": " + e.getOriginalMessage(), e);
        }
        Map<String, Advisor> byId = new LinkedHashMap<>();
        advisors.forEach(a -> byId.put(a.id(), a));
        return byId;
    }
}
