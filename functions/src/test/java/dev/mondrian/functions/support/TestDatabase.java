package dev.mondrian.functions.support;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The PostgreSQL server functions/test/postgres.sh started ({@code MONDRIAN_TEST_POSTGRES_URL}), and whether
 * the service tests run on it instead of SQLite ({@code -Dmondrian.test.database=postgresql}, which
 * ./mondrian test passes to a second run of them).
 */
public final class TestDatabase {
    private TestDatabase() {}

    public static boolean postgres() {
        return "postgresql".equals(System.getProperty("mondrian.test.database"));
    }

    /** A new, empty database on that server; its JDBC URL. Without a server: skipped, or failed on CI. */
    public static String freshPostgres() {
        String server = System.getenv("MONDRIAN_TEST_POSTGRES_URL");
        if (server == null || server.isBlank()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("MONDRIAN_TEST_POSTGRES_URL is not set: run the tests with ./mondrian test, which starts PostgreSQL");
            }
            assumeTrue(false, "no PostgreSQL server: ./mondrian test starts one (functions/test/postgres.sh)");
        }
        String name = "mondrian_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = DriverManager.getConnection(server); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on " + server, e);
        }
        return server.replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + name);
    }
}
