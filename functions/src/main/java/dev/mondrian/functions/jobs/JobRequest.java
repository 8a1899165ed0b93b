package dev.mondrian.functions.jobs;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * A client's request to create a job, as sent: text fields unparsed so that each bad value gets
 * its own message. {@code image} is null when no image was sent. {@code imageKey} names the S3 object
 * the image was uploaded to (AWS Lambda mode, {@code POST /api/uploads}); the image's bytes are read
 * from it before validation. {@code webhook} and {@code webhookEvents} ask for signed deliveries of the job's progress.
 */
public record JobRequest(
        String prompt, String advisor, String mode,
        @Schema(type = "integer", minimum = "1", maximum = "8192", defaultValue = "512") String maxTokens,
        @Schema(type = "number", minimum = "0", maximum = "2", defaultValue = "0.7") String temperature,
        @Schema(type = "integer", minimum = "100", maximum = "600000", defaultValue = "5000") String updateIntervalMs,
        @Schema(description = "the photo's bytes in base64") byte[] image,
        @Schema(description = "an image_key from POST /api/uploads, instead of image") String imageKey,
        @Schema(description = "a URL told of the job's progress by signed POSTs (Standard Webhooks)") String webhook,
        @Schema(description = "which deliveries the webhook gets: any of start, output, completed (default completed)")
        List<String> webhookEvents) {
    public JobRequest withImage(byte[] bytes) {
        return new JobRequest(prompt, advisor, mode, maxTokens, temperature, updateIntervalMs, bytes, imageKey, webhook,
                webhookEvents);
    }
}
