package dev.mondrian.runner.chat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Finds a model folder's chat template where transformers looks: {@code chat_template.jinja}
 * (newer exports), {@code chat_template.json} (processors of vision models), then
 * {@code tokenizer_config.json}'s {@code chat_template}, which is a string or a list of
 * {@code {name, template}} of which "default" is the one used for chat.
 */
public final class ChatTemplateSource {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ChatTemplateSource() {}

    public static Optional<String> find(Path folder) {
        try {
            Path jinja = folder.resolve("chat_template.jinja");
            if (Files.isRegularFile(jinja)) {
                return Optional.of(Files.readString(jinja));
            }
            for (String name : new String[] {"chat_template.json", "tokenizer_config.json"}) {
                Path file = folder.resolve(name);
                if (Files.isRegularFile(file)) {
                    Optional<String> template = fromJson(JSON.readTree(file.toFile()).get("chat_template"));
                    if (template.isPresent()) {
                        return template;
                    }
                }
            }
            return Optional.empty();
        } catch (JacksonException e) {
            throw new IllegalArgumentException("unreadable chat template JSON in " + folder + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the chat template in " + folder, e);
        }
    }

    static Optional<String> fromJson(JsonNode template) {
        if (template == null || template.isNull()) {
            return Optional.empty();
        }
        if (template.isString()) {
            return Optional.of(template.asString());
        }
        if (!template.isArray() || template.isEmpty()) {
            throw new IllegalArgumentException("chat_template must be a string or a list of {name, template}, got " + template);
        }
        for (JsonNode named : template) {
            if ("default".equals(named.path("name").asString(""))) {
                return Optional.of(named.path("template").asString());
            }
        }
        return Optional.of(template.get(0).path("template").asString());
    }
}
