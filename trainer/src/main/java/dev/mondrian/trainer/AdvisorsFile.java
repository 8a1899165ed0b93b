package dev.mondrian.trainer;

import dev.mondrian.runner.persona.Advisor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
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
 * The advisor personas: the shipped advisors.json (protocol's resource, which the functions service serves too),
 * or a file in its format; the model learns from exactly the system turns the runner will give it.
 */
public final class AdvisorsFile {
    private static final String SHIPPED = "/advisors.json";
    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private AdvisorsFile() {}

    /** @param file a JSON file of advisors; null for the shipped ones */
    public static Map<String, Advisor> read(Path file) throws IOException {
        List<Advisor> advisors;
        try (InputStream in = file == null ? AdvisorsFile.class.getResourceAsStream(SHIPPED) : Files.newInputStream(file)) {
            advisors = JSON.readValue(in, new TypeReference<List<Advisor>>() {});
        } catch (JacksonException e) {
            throw new IOException("cannot read the advisors from " + (file == null ? "advisors.json" : file) + ": "
                    + e.getOriginalMessage(), e);
        }
        Map<String, Advisor> byId = new LinkedHashMap<>();
        advisors.forEach(a -> byId.put(a.id(), a));
        return byId;
    }
}
