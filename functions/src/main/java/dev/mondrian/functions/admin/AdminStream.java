package dev.mondrian.functions.admin;

import dev.mondrian.functions.MondrianProperties;
import dev.mondrian.functions.events.EventHub;
import dev.mondrian.functions.events.JobChangeListener;
import dev.mondrian.functions.events.StreamsLifecycle;
import dev.mondrian.functions.streams.SseWriter;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /api/admin/events}: every job's changes as SSE, for the operator's page. First a {@code jobs} frame
 * with the newest jobs (as {@code GET /api/jobs} lists them), then a {@code job} frame with a job's whole row
 * whenever it records events, on any instance. Rows are read from the database, at most one batch per
 * {@link #BATCH_MS}, so a job streaming tokens costs a read per batch, not per event. A {@code jobs} frame
 * comes again when changes may have been missed; it replaces everything shown. Frames carry no {@code id}:
 * a client that reconnects starts again from a fresh list.
 *
 * <p>An admin stream never ends by itself, so on shutdown it is ended before the web server's graceful
 * shutdown begins (a higher lifecycle phase stops first): an operator's open page must not hold the shutdown
 * for its whole timeout. The page reconnects.
 */
@Component
class AdminStream extends StreamsLifecycle<ChangedJobs> {
    private static final Logger log = LoggerFactory.getLogger(AdminStream.class);
    /** How long changes gather before their rows are read and sent: live enough for a person, cheap for the database. */
    static final long BATCH_MS = 250;

    private final EventHub hub;
    private final AdminJobs jobs;
    private final JsonMapper json;
    private final long keepAliveMillis;

    AdminStream(EventHub hub, AdminJobs jobs, JsonMapper json, MondrianProperties properties) {
        this.hub = hub;
        this.jobs = jobs;
        this.json = json;
        this.keepAliveMillis = properties.heartbeatInterval().toMillis();
    }

    /** Blocks, on the request's own (virtual) thread, until the client goes away or the service stops. */
    void serve(Integer limit, HttpServletResponse response) throws IOException {
        ChangedJobs changes = new ChangedJobs(AdminJobs.MAX_IDS);
        open.add(changes);
        // Listening before the first read, so a change committed after that read is heard and none is lost.
        try (JobChangeListener.Registration listening = hub.listenToAll(changes)) {
            List<AdminJob> first = jobs.list(limit); // a bad limit is a JSON 400 here, before the first byte
            SseWriter writer = SseWriter.onRequestThread(response);
            writer.sendUnnumbered("jobs", json.writeValueAsString(first));
            while (isRunning()) {
                ChangedJobs.Batch batch = changes.take(keepAliveMillis);
                if (!isRunning()) {
                    return;
                }
                if (batch.resync()) {
                    writer.sendUnnumbered("jobs", json.writeValueAsString(jobs.list(limit)));
                } else if (batch.isEmpty()) {
                    writer.keepAlive();
                } else {
                    for (AdminJob row : jobs.rows(batch.jobIds())) {
                        writer.sendUnnumbered("job", json.writeValueAsString(row));
                    }
                }
                Thread.sleep(BATCH_MS);
            }
        } catch (IOException clientGone) {
            log.debug("admin stream: client went away: {}", clientGone.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(changes);
        }
    }

    /** Wakes the stream from its wait; it sees the service stopping and returns. */
    @Override
    protected void end(ChangedJobs stream) {
        stream.resync();
    }
}
