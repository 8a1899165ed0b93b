package dev.mondrian.runner.chat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's Jinja chat template, rendered as transformers' apply_chat_template does, so the
 * prompt holds exactly the special tokens the model was trained with.
 */
public final class ChatTemplate {
    private static final TransformersJinja JINJA = new TransformersJinja();

    private final String source;
    private final ContentStyle contentStyle;
    private final String bosToken;
    private final String eosToken;

    public ChatTemplate(String source, String bosToken, String eosToken) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("the chat template is empty; a chat model's folder carries one");
        }
        this.source = source;
        this.contentStyle = ContentStyle.of(source);
        this.bosToken = bosToken;
        this.eosToken = eosToken;
    }

    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        Map<String, Object> variables = new HashMap<>();
        variables.put("messages", messages.stream().map(message -> message.templateView(contentStyle)).toList());
        variables.put("add_generation_prompt", addGenerationPrompt);
        variables.put("bos_token", bosToken);
        variables.put("eos_token", eosToken);
        return JINJA.render(source, variables);
    }
}
