package dev.mondrian.functions.jobs;

/**
 * A client's request to create a job, as sent: text fields unparsed so that each bad value gets
 * its own message. {@code image} is null when no image was sent. {@code imageKey} names the S3 object
 * the image was uploaded to (AWS Lambda mode, {@code POST /api/uploads}); the image's bytes are read
 * from it before validation.
 */
public record JobRequest(String prompt, String advisor, String mode, String maxTokens, String temperature,
                         String updateIntervalMs, byte[] image, String imageKey) {
    public JobRequest withImage(byte[] bytes) {
        return new JobRequest(prompt, advisor, mode, maxTokens, temperature, updateIntervalMs, bytes, imageKey);
    }
}
