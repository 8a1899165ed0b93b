package dev.mondrian.runner.chat;

/** A chat template could not be rendered, or refused the conversation through {@code raise_exception}. */
public final class ChatTemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ChatTemplateException(String message) {
        super(message);
    }
}
