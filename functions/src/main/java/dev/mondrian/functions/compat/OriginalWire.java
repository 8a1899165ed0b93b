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

    /**
     * An advisor in {@code GET /advisors} and {@code GET /advisors/{id}}: the original's fields. Mondrian's advisors
     * carry no portrait or artworks, so {@code imageUrl} is null and {@code artworks} empty; {@code specialty} is
     * the original's fallback, "Photography".
     */
    record Advisor(String id, String name, String specialty, String bio, List<String> focusAreas,
                   List<Object> artworks, String imageUrl) {}

    /** {@code GET /advisors}. */
    record AdvisorList(List<Advisor> advisors, int count, String timestamp) {}

    /** {@code GET /advisors/{id}}: the advisor under {@code advisor}, with the original's (here empty) links. */
    record AdvisorDetail(AdvisorWithLinks advisor, String timestamp) {}

    record AdvisorWithLinks(String id, String name, String specialty, String bio, List<String> focusAreas,
                            String imageUrl, List<Object> artworks, java.util.Map<String, Object> learnMore) {}

    /** {@code PUT /job/{id}/thinking}: the advisor service's status line. */
    record ThinkingNote(String thinking) {}
}
