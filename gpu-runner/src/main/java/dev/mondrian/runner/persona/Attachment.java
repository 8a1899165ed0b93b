package dev.mondrian.runner.persona;

/** What the prompt says of a job's photo: its type and size (the pixels go to the model separately). */
public record Attachment(String contentType, int width, int height) {}
