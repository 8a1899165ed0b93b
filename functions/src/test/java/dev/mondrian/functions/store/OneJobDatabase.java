package dev.mondrian.functions.store;

import java.nio.file.Path;
import org.jdbi.v3.core.Jdbi;

/** A migrated SQLite database in a test's folder holding one running job, {@code job}, to record events for. */
public final class OneJobDatabase {
    private OneJobDatabase() {}

    public static Jdbi create(Path dir) {
        Jdbi jdbi = Jdbi.create("jdbc:sqlite:" + dir.resolve("events.db"));
        new Migrations(jdbi, Dialect.SQLITE).apply();
        jdbi.useHandle(h -> h.execute("INSERT INTO jobs (id, status, advisor, prompt, mode, max_tokens, temperature, "
                + "update_interval_ms, created_at) VALUES ('job', 'running', 'ansel', 'p', 'baseline', 10, 0.5, 1000, 0)"));
        return jdbi;
    }
}
