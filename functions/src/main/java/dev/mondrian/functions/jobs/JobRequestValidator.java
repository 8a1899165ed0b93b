package dev.mondrian.functions.jobs;

import dev.mondrian.functions.advisors.AdvisorCatalog;
import dev.mondrian.functions.http.ApiException;
import dev.mondrian.functions.uploads.ImageInfo;
import dev.mondrian.functions.uploads.ImageInspector;
import org.springframework.stereotype.Component;

/** Turns a {@link JobRequest} into a {@link NewJob} or a 4xx naming the first bad field. */
@Component
public class JobRequestValidator {
    static final int MAX_PROMPT_CHARS = 8000;
    static final int DEFAULT_MAX_TOKENS = 512;
    static final int MAX_MAX_TOKENS = 8192;
    static final double DEFAULT_TEMPERATURE = 0.7;
    static final double MAX_TEMPERATURE = 2.0;
    static final long DEFAULT_UPDATE_INTERVAL_MS = 5000;
    static final long MIN_UPDATE_INTERVAL_MS = 100;
    static final long MAX_UPDATE_INTERVAL_MS = 600_000;
    static final String DEFAULT_MODE = "baseline";

    private final AdvisorCatalog advisors;
    private final ImageInspector images;

    public JobRequestValidator(AdvisorCatalog advisors, ImageInspector images) {
        this.advisors = advisors;
        this.images = images;
    }

    public NewJob validate(JobRequest request) {
        String prompt = request.prompt() == null ? "" : request.prompt().strip();
        boolean hasImage = request.image() != null;
        if (prompt.isEmpty() && !hasImage) {
            throw ApiException.badRequest("send an image, a prompt, or both");
        }
        if (prompt.length() > MAX_PROMPT_CHARS) {
            throw ApiException.badRequest("prompt is " + prompt.length() + " characters; the limit is " + MAX_PROMPT_CHARS);
        }
        String advisor = blank(request.advisor()) ? advisors.defaultAdvisor().id() : request.advisor().strip();
        if (advisors.find(advisor).isEmpty()) {
            throw ApiException.badRequest("unknown advisor '" + advisor + "'; GET /api/advisors lists them");
        }
        String mode = blank(request.mode()) ? DEFAULT_MODE : request.mode().strip();
        if (!mode.matches("[a-z_]{1,32}")) {
            throw ApiException.badRequest("mode must be a short lowercase word, got '" + mode + "'");
        }
        int maxTokens = (int) integer("max_tokens", request.maxTokens(), DEFAULT_MAX_TOKENS, 1, MAX_MAX_TOKENS);
        double temperature = decimal("temperature", request.temperature(), DEFAULT_TEMPERATURE, 0, MAX_TEMPERATURE);
        long interval = integer("update_interval_ms", request.updateIntervalMs(), DEFAULT_UPDATE_INTERVAL_MS,
                MIN_UPDATE_INTERVAL_MS, MAX_UPDATE_INTERVAL_MS);
        ImageInfo info = hasImage ? images.inspect(request.image()) : null;
        return new NewJob(prompt, advisor, mode, maxTokens, temperature, interval, request.image(), info,
                hasImage ? request.imageKey() : null);
    }

    private static long integer(String name, String value, long fallback, long min, long max) {
        if (blank(value)) {
            return fallback;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a whole number, got '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw ApiException.badRequest(name + " must be between " + min + " and " + max + ", got " + parsed);
        }
        return parsed;
    }

    private static double decimal(String name, String value, double fallback, double min, double max) {
        if (blank(value)) {
            return fallback;
        }
        double parsed;
        try {
            parsed = Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a number, got '" + value + "'");
        }
        if (!(parsed >= min && parsed <= max)) {
            throw ApiException.badRequest(name + " must be between " + min + " and " + max + ", got " + value.strip());
        }
        return parsed;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
