package dev.mondrian.functions.compat;

import java.util.List;

/** The response bodies of the original Mondrian service, with its field names. */
final class OriginalWire {
    private OriginalWire() {}

    /** {@code POST /upload}; the URLs are absolute, as the original clients follow them as given. */
    record Upload(String jobId, String displayJobId, String filename, String advisor, List<String> advisorsUsed,
                  String status, String mode, String statusUrl, String streamUrl, String analysisUrl) {}

    /** {@code GET /jobs/{id}} and {@code GET /status/{id}}. */
    record JobDetail(String id, String jobId, String status, String advisor, String mode, String prompt,
                     String createdAt, String currentStep, int progressPercentage, String llmThinking,
                     String analysisMarkdown, String error, int tokens, double tokensPerSecond) {}

    record JobSummary(String id, String status, String advisor, String mode, String createdAt,
                      int progressPercentage) {}

    /** {@code GET /jobs}. */
    record JobList(List<JobSummary> jobs, int count, String timestamp) {}

    /** The first frame of {@code GET /stream/{id}}. */
    record Connected(String type, String jobId) {}

    /** {@code PUT /job/{id}/thinking}: the advisor service's status line. */
    record ThinkingNote(String thinking) {}
}
