package dev.mondrian.functions.store;

/**
 * The database behind the JDBC URL. The SQL is shared; the few places that differ ask this: the claim
 * (PostgreSQL can skip rows another claim holds), migrations (serialised across instances) and the event
 * hub (PostgreSQL carries events between instances).
 */
public enum Dialect {
    SQLITE, POSTGRESQL;

    public static Dialect of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        int scheme = jdbcUrl.indexOf(':', "jdbc:".length());
        throw new IllegalArgumentException("mondrian.database-url must start with jdbc:sqlite: or jdbc:postgresql:, not "
                + (scheme > 0 ? jdbcUrl.substring(0, scheme + 1) : "'" + jdbcUrl + "'"));
    }
}
