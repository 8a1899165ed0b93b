package dev.mondrian.runner.chat;

import java.util.regex.Pattern;

/**
 * Whether a chat template wants each message's content as a string or as a list of typed parts.
 * Vision templates loop over {@code message['content']} (they would print a list's Python repr
 * or nothing when given a string); text templates print it (they would print a list's repr).
 */
enum ContentStyle {
    TEXT,
    PARTS;

    /** {@code {% for part in message['content'] %}} or {@code message.content}, with any filters after it. */
    private static final Pattern LOOP_OVER_CONTENT =
            Pattern.compile("\\{%-?\\s*for\\s+\\w+\\s+in\\s+\\w+\\s*(\\[\\s*['\"]content['\"]\\s*]|\\.content\\b)");

    static ContentStyle of(String templateSource) {
        return LOOP_OVER_CONTENT.matcher(templateSource).find() ? PARTS : TEXT;
    }
}
