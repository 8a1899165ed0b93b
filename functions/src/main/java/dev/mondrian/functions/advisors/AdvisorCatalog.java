package dev.mondrian.functions.advisors;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The advisor personas shipped in {@code advisors.json}; the first is the default. */
@Component
public class AdvisorCatalog {
    private final List<Advisor> advisors;

    public AdvisorCatalog(JsonMapper json) {
        try (InputStream in = new ClassPathResource("advisors.json").getInputStream()) {
            this.advisors = List.copyOf(json.readValue(in, new TypeReference<List<Advisor>>() {}));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read advisors.json", e);
        }
        if (advisors.isEmpty()) {
            throw new IllegalStateException("advisors.json lists no advisor");
        }
    }

    public List<Advisor> all() {
        return advisors;
    }

    public Advisor defaultAdvisor() {
        return advisors.getFirst();
    }

    public Optional<Advisor> find(String id) {
        return advisors.stream().filter(a -> a.id().equals(id)).findFirst();
    }
}
