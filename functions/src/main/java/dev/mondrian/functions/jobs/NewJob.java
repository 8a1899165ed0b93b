package dev.mondrian.functions.jobs;

import dev.mondrian.functions.uploads.ImageInfo;

/**
 * A validated request to create a job. {@code image} and {@code imageInfo} are null for a
 * text-only job; {@code imageKey} is the S3 object the image came from, if it came from one.
 * {@code mode} is the original service's analysis mode, kept for its clients.
 */
public record NewJob(String prompt, String advisor, String mode, int maxTokens, double temperature,
                     long updateIntervalMs, byte[] image, ImageInfo imageInfo, String imageKey) {}
