package dev.mondrian.functions.advisors;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.springframework.stereotype.Component;

/**
 * The operators' adapter choices (admin API), kept in the database so that every instance and every Lambda
 * invocation sees the same; an advisor an operator has not touched keeps its advisors file's adapter.
 */
@Component
public class AdapterAssignments {
    private final Jdbi jdbi;
    private final AdvisorCatalog catalog;

    AdapterAssignments(Jdbi jdbi, AdvisorCatalog catalog) {
        this.jdbi = jdbi;
        this.catalog = catalog;
    }

    /** Every advisor as it serves now: the file's, with the operators' adapter choices over it. */
    public Advisors current() {
        Map<String, Optional<String>> chosen = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT advisor_id, adapter FROM advisor_adapters")
                .map((rs, ctx) -> Map.entry(rs.getString("advisor_id"), Optional.ofNullable(rs.getString("adapter"))))
                .forEach(e -> chosen.put(e.getKey(), e.getValue())));
        return new Advisors(catalog.all().stream()
                .map(a -> chosen.containsKey(a.id()) ? a.withAdapter(chosen.get(a.id()).orElse(null)) : a)
                .toList(), chosen.keySet());
    }

    /** @param adapter null: the advisor speaks without one, whatever the file says */
    void choose(String advisorId, String adapter, long now) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO advisor_adapters (advisor_id, adapter, updated_at) "
                        + "VALUES (:id, :adapter, :now) ON CONFLICT (advisor_id) "
                        + "DO UPDATE SET adapter = :adapter, updated_at = :now")
                .bind("id", advisorId).bind("adapter", adapter).bind("now", now).execute());
    }

    /** Back to the advisors file's adapter. */
    void forget(String advisorId) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM advisor_adapters WHERE advisor_id = :id")
                .bind("id", advisorId).execute());
    }

    /**
     * One reading of the advisors, so that a claim filters and describes its job with the same adapters.
     *
     * @param chosen the ids whose adapter an operator set
     */
    public record Advisors(List<Advisor> all, Set<String> chosen) {
        public Optional<Advisor> find(String id) {
            return all.stream().filter(a -> a.id().equals(id)).findFirst();
        }

        /** The advisor a job names, or the default when that advisor has left the file since. */
        public Advisor forJob(String id) {
            return find(id).orElse(all.getFirst());
        }
    }
}
