package dev.mondrian.functions.advisors;

import dev.mondrian.functions.MondrianProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The advisor personas: the shipped {@code advisors.json}, or {@code mondrian.advisors-file}; the first is
 * the default. A file that cannot serve (no advisor, a repeated id, an adapter that is not a plain folder
 * name) stops the start with the reason.
 */
@Component
public class AdvisorCatalog {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    static final String ADAPTER_NAME_RULE =
            "must be a folder name (letters, digits, '.', '_', '-'), found under each runner's --adapters";

    private final List<Advisor> advisors;

    public AdvisorCatalog(JsonMapper json, MondrianProperties properties) {
        String file = properties.advisorsFile();
        String source = file.isBlank() ? "advisors.json" : file;
        try (InputStream in = file.isBlank() ? new ClassPathResource("advisors.json").getInputStream()
                : Files.newInputStream(Path.of(file))) {
            this.advisors = List.copyOf(json.readValue(in, new TypeReference<List<Advisor>>() {}));
        } catch (IOException | JacksonException e) {
            throw new IllegalStateException("cannot read the advisors from " + source + ": " + e.getMessage(), e);
        }
        if (advisors.isEmpty()) {
            throw new IllegalStateException(source + " lists no advisor");
        }
        HashSet<String> ids = new HashSet<>();
        for (Advisor advisor : advisors) {
            if (advisor.id() == null || !ids.add(advisor.id())) {
                throw new IllegalStateException(source + ": advisor id " + advisor.id() + " is missing or repeated");
            }
            if (advisor.adapter() != null && !isAdapterName(advisor.adapter())) {
                throw new IllegalStateException(source + ": advisor " + advisor.id() + "'s adapter '" + advisor.adapter()
                        + "' " + ADAPTER_NAME_RULE);
            }
        }
    }

    static boolean isAdapterName(String name) {
        return NAME.matcher(name).matches();
    }

    /** The advisors as the file gives them; {@link AdapterAssignments#current()} has them as they serve. */
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
