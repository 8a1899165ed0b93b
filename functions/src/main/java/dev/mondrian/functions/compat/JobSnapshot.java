package dev.mondrian.functions.compat;

import dev.mondrian.functions.events.EventLog;
import dev.mondrian.functions.events.JobEvent;
import dev.mondrian.functions.jobs.JobView;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The original service kept {@code current_step} and {@code llm_thinking} as columns; here they
 * are read back from the job's event log, which already holds every step and status line.
 */
@Component
class JobSnapshot {
    private final EventLog events;
    private final JsonMapper json;

    JobSnapshot(EventLog events, JsonMapper json) {
        this.events = events;
        this.json = json;
    }

    OriginalWire.JobDetail detail(JobView job) {
        Optional<JobEvent> status = events.latest(job.jobId(), "status_update");
        Optional<JobEvent> thinking = events.latest(job.jobId(), "thinking_update");
        String step = status.map(e -> text(jobData(e), "current_step")).orElse("");
        // The newer of the two carries the line a person should read now.
        String line = Stream.concat(status.stream(), thinking.stream())
                .max(Comparator.comparingLong(JobEvent::seq))
                .map(e -> e.type().equals("thinking_update") ? text(tree(e), "thinking") : text(jobData(e), "llm_thinking"))
                .orElse("");
        return new OriginalWire.JobDetail(job.jobId(), job.jobId(), job.status(), job.advisor(), job.mode(),
                job.prompt() == null ? "" : job.prompt(), iso(job.createdAt()), step, job.progressPercentage(), line,
                job.analysis() == null ? "" : job.analysis(), job.error(), job.tokens(), job.tokensPerSecond());
    }

    static OriginalWire.JobSummary summary(JobView job) {
        return new OriginalWire.JobSummary(job.jobId(), job.status(), job.advisor(), job.mode(), iso(job.createdAt()),
                job.progressPercentage());
    }

    static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    private JsonNode tree(JobEvent event) {
        return json.readTree(event.json());
    }

    private JsonNode jobData(JobEvent event) {
        return tree(event).path("job_data");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asString();
    }
}
