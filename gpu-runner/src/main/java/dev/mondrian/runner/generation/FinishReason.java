package dev.mondrian.runner.generation;

/** Why generation ended. */
public enum FinishReason {
    /** The model produced an end-of-sequence token. */
    EOS,
    /** The text reached one of the request's stop strings (it is not included). */
    STOP,
    /** max_tokens were generated, or the context is full. */
    LENGTH,
    /** The caller cancelled between two tokens. */
    CANCELLED
}
