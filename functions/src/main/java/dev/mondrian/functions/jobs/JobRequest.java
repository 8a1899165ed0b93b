package dev.mondrian.functions.jobs;

/**
 * A client's request to create a job, as sent: text fields unparsed so that each bad value gets
 * its own message. {@code image} is null when no image was sent.
 */
public record JobRequest(String prompt, String advisor, String mode, String maxTokens, String temperature,
                         String updateIntervalMs, byte[] image) {}
