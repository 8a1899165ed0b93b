package dev.mondrian.functions.events;

/**
 * The payloads of the event types. Field names are those of the original Mondrian service
 * where it had the event ({@code job_data}, {@code thinking}), so its clients read them as-is.
 */
public sealed interface EventPayload {
    String type();

    /** Progress of the job as a whole; {@code attempt} rises when a lost job is re-queued. */
    record StatusUpdate(JobData jobData) implements EventPayload {
        public String type() {
            return "status_update";
        }
    }

    record JobData(String status, int progressPercentage, String currentStep, String llmThinking, int attempt) {}

    /** Periodic generation statistics; {@code thinking} is the human-readable summary. */
    record ThinkingUpdate(String thinking, int tokens, double tokensPerSecond, int promptTokens, long elapsedMs,
                          int maxTokens) implements EventPayload {
        public String type() {
            return "thinking_update";
        }
    }

    /** A batch of newly generated text, in order, so clients can render the analysis as it forms. */
    record Token(String text) implements EventPayload {
        public String type() {
            return "token";
        }
    }

    record AnalysisComplete(String analysis, int tokens, double tokensPerSecond, int promptTokens, long elapsedMs)
            implements EventPayload {
        public String type() {
            return "analysis_complete";
        }
    }

    record Error(String error) implements EventPayload {
        public String type() {
            return "error";
        }
    }

    /** Always the last event of a job; streams end after it. */
    record Done(String status) implements EventPayload {
        static final String TYPE = "done";

        public String type() {
            return TYPE;
        }
    }
}
