package dev.mondrian.runner.tokenizer;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a model's Jinja chat template as transformers does (trim_blocks on, a
 * {@code raise_exception} function), so the prompt holds exactly the special tokens the model
 * was trained with.
 */
public final class ChatTemplate {
    /** One chat turn; {@code images} image parts come before the text, as vision templates expect. */
    public record Message(String role, String text, int images) {}

    private static final Jinjava JINJA = jinjava();

    private final String template;
    private final String bosToken;
    private final String eosToken;

    public ChatTemplate(String template, String bosToken, String eosToken) {
        if (template == null || template.isBlank()) {
            throw new IllegalArgumentException("the tokenizer has no chat_template; a chat model's tokenizer_config.json carries one");
        }
        this.template = pythonMethodsAsFilters(template);
        this.bosToken = bosToken;
        this.eosToken = eosToken;
    }

    /**
     * Templates written for Python's Jinja call str methods ({@code .upper()}, {@code .strip()});
     * Jinjava has the same operations as filters, so the calls are rewritten once, at load.
     */
    static String pythonMethodsAsFilters(String template) {
        return template.replaceAll("\\.(upper|lower|title)\\(\\)", "|$1").replaceAll("\\.strip\\(\\)", "|trim");
    }

    public String render(List<Message> messages, boolean addGenerationPrompt) {
        Map<String, Object> context = new HashMap<>();
        context.put("messages", messages.stream().map(ChatTemplate::asMap).toList());
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("bos_token", bosToken);
        context.put("eos_token", eosToken);
        RenderResult result = JINJA.renderForResult(template, context);
        if (!result.getErrors().isEmpty()) {
            TemplateError error = result.getErrors().getFirst();
            // Jinjava wraps what raise_exception threw; its innermost cause carries the template's words.
            Throwable cause = error.getException();
            while (cause != null && cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new IllegalArgumentException(cause != null ? cause.getMessage() : "chat template failed: " + error.getMessage());
        }
        return result.getOutput();
    }

    /** Text-only turns carry a string; turns with images carry the list of parts vision templates loop over. */
    private static Map<String, Object> asMap(Message message) {
        Map<String, Object> map = new HashMap<>();
        map.put("role", message.role());
        if (message.images() == 0) {
            map.put("content", message.text());
        } else {
            List<Map<String, Object>> parts = new ArrayList<>();
            for (int i = 0; i < message.images(); i++) {
                parts.add(Map.of("type", "image"));
            }
            parts.add(Map.of("type", "text", "text", message.text()));
            map.put("content", parts);
        }
        return map;
    }

    public static String raiseException(String message) {
        throw new IllegalArgumentException("chat template refused the conversation: " + message);
    }

    private static Jinjava jinjava() {
        // transformers also sets lstrip_blocks, but Jinjava strips spaces before a block tag anywhere
        // in a line, not only at its start; chat templates use {%- for that, so it stays off.
        Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(true).build());
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                ChatTemplate.class, "raiseException", String.class));
        return jinjava;
    }
}
