package dev.mondrian.functions.advisors;

import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What runners say of their adapters at every claim: which fit their model, and why others do not. An adapter an
 * operator picks is checked against these, so a mistake shows when it is made and not in a job.
 */
@Component
public class AdapterReports {
    /** A runner counts as present when it claimed this recently or holds a running job's lease. */
    static final long PRESENT_MS = 5 * 60_000;
    /** Reports of runners gone this long are dropped. */
    private static final long FORGET_MS = 24 * 3_600_000L;

    /** One runner's last report. */
    public record Report(String runnerId, List<String> adapters, Map<String, String> problems) {}

    private final Jdbi jdbi;
    private final JsonMapper json;

    AdapterReports(Jdbi jdbi, JsonMapper json) {
        this.jdbi = jdbi;
        this.json = json;
    }

    public void record(String runnerId, List<String> adapters, Map<String, String> problems, long now) {
        String held = json.writeValueAsString(adapters);
        String unusable = json.writeValueAsString(problems == null ? Map.of() : problems);
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO runner_adapters (runner_id, adapters, problems, reported_at) "
                            + "VALUES (:runner, :adapters, :problems, :now) ON CONFLICT (runner_id) "
                            + "DO UPDATE SET adapters = :adapters, problems = :problems, reported_at = :now")
                    .bind("runner", runnerId).bind("adapters", held).bind("problems", unusable).bind("now", now)
                    .execute();
            h.createUpdate("DELETE FROM runner_adapters WHERE reported_at < :old").bind("old", now - FORGET_MS).execute();
        });
    }

    /** The reports of the runners present now, by runner id. */
    List<Report> present(long now) {
        return jdbi.withHandle(h -> h.createQuery("SELECT runner_id, adapters, problems "
                        + "FROM runner_adapters r WHERE reported_at >= :since OR EXISTS (SELECT 1 FROM jobs j "
                        + "WHERE j.status = 'running' AND j.runner_id = r.runner_id) ORDER BY runner_id")
                .bind("since", now - PRESENT_MS)
                .map((rs, ctx) -> new Report(rs.getString("runner_id"),
                        json.readValue(rs.getString("adapters"), new TypeReference<List<String>>() {}),
                        json.readValue(rs.getString("problems"), new TypeReference<Map<String, String>>() {})))
                .list());
    }
}
