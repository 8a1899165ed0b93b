package dev.mondrian.functions.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Applies {@code db/migration/V<n>__<name>.sql} scripts in version order, each once, each in
 * its own transaction, recording what ran in {@code schema_version}. On PostgreSQL, instances starting
 * together take turns (an advisory lock), so each script still runs once.
 */
public final class Migrations {
    private static final Logger log = LoggerFactory.getLogger(Migrations.class);
    private static final Pattern NAME = Pattern.compile("V(\\d+)__([\\w-]+)\\.sql");

    /** Any fixed number: the key of the advisory lock that serialises migrations on PostgreSQL. */
    private static final long LOCK_KEY = 0x4d6f6e647269616eL;

    private final Jdbi jdbi;
    private final Dialect dialect;

    public Migrations(Jdbi jdbi, Dialect dialect) {
        this.jdbi = jdbi;
        this.dialect = dialect;
    }

    public void apply() {
        if (dialect != Dialect.POSTGRESQL) {
            applyPending();
            return;
        }
        jdbi.useHandle(lock -> {
            lock.createQuery("SELECT pg_advisory_lock(:key)").bind("key", LOCK_KEY).mapTo(String.class).list();
            try {
                applyPending();
            } finally {
                lock.createQuery("SELECT pg_advisory_unlock(:key)").bind("key", LOCK_KEY).mapTo(Boolean.class).list();
            }
        });
    }

    private void applyPending() {
        jdbi.useHandle(h -> h.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"));
        int current = jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")
                .mapTo(Integer.class).one());
        for (Script script : scripts()) {
            if (script.version() <= current) {
                continue;
            }
            jdbi.useTransaction(h -> {
                for (String statement : script.sql().split(";\\s*(\\n|$)")) {
                    if (!statement.isBlank()) {
                        h.execute(statement);
                    }
                }
                h.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                        script.version(), script.name(), System.currentTimeMillis());
            });
            log.info("applied migration V{} {}", script.version(), script.name());
        }
    }

    private record Script(int version, String name, String sql) {}

    private static Script[] scripts() {
        try {
            Resource[] resources = new PathMatchingResourcePatternResolver().getResources("classpath*:db/migration/*.sql");
            return Arrays.stream(resources).map(Migrations::script)
                    .sorted(Comparator.comparingInt(Script::version)).toArray(Script[]::new);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list migrations", e);
        }
    }

    private static Script script(Resource resource) {
        Matcher m = NAME.matcher(resource.getFilename());
        if (!m.matches()) {
            throw new IllegalStateException("migration file not named V<n>__<name>.sql: " + resource.getFilename());
        }
        try {
            String sql = resource.getContentAsString(StandardCharsets.UTF_8).replaceAll("(?m)^\\s*--.*$", "");
            return new Script(Integer.parseInt(m.group(1)), m.group(2), sql);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read migration " + resource.getFilename(), e);
        }
    }
}
