package dev.mondrian.runner.chat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One chat turn: a role ("system", "user", "assistant"), its text, and how many images come
 * before the text (vision templates place one image token per image part).
 */
public record ChatMessage(String role, String text, int images) {
    public ChatMessage {
        Objects.requireNonNull(text, "text");
        if (role == null || role.isBlank()) {
            throw new IllegalArgumentException("a chat message needs a role such as user or assistant");
        }
        if (images < 0) {
            throw new IllegalArgumentException("images must be 0 or more, got " + images);
        }
    }

    public static ChatMessage text(String role, String text) {
        return new ChatMessage(role, text, 0);
    }

    /**
     * The message as transformers hands it to a template: {@code content} is a plain string for
     * templates that print it, or a list of {@code {"type": "image"}} parts followed by one
     * {@code {"type": "text", "text": ...}} part for templates that loop over parts.
     */
    Map<String, Object> templateView(ContentStyle style) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("role", role);
        if (style == ContentStyle.TEXT) {
            if (images > 0) {
                throw new ChatTemplateException("this model's chat template has no place for images (it never loops over a message's content parts)");
            }
            view.put("content", text);
            return view;
        }
        List<Map<String, Object>> parts = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            parts.add(Map.of("type", "image"));
        }
        Map<String, Object> textPart = new LinkedHashMap<>();
        textPart.put("type", "text");
        textPart.put("text", text);
        parts.add(textPart);
        view.put("content", parts);
        return view;
    }
}
