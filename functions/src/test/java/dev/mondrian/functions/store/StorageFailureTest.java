package dev.mondrian.functions.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpStatus;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Which database errors are the storage's fault and what a client is told of each (RELIABILITY.md): the errors
 * are the drivers' own, made for real where a test can make them (a read-only SQLite connection, a file that
 * cannot be opened, a read-only PostgreSQL transaction) and built with the driver's codes where it cannot (a disk
 * I/O error, a full PostgreSQL disk).
 */
class StorageFailureTest {
    static final String FULL = "the service's storage is full, so nothing was saved; try again once space is freed";
    static final String UNWRITABLE = "the service cannot write its data (read-only or failing storage), so nothing was"
            + " saved; try again later";

    @TempDir
    Path dir;

    @Test
    void aWriteOnAReadOnlySqliteDatabaseIsUnavailableStorage() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("db.sqlite");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (x INTEGER)");
        }
        SQLiteConfig readOnly = new SQLiteConfig();
        readOnly.setReadOnly(true);
        SQLException refused = null;
        try (Connection c = readOnly.createConnection(url); Statement s = c.createStatement()) {
            s.execute("INSERT INTO t VALUES (1)");
        } catch (SQLException e) {
            refused = e;
        }
        assertThat(StorageFailure.of(new RuntimeException("wrapped", refused)))
                .contains(new StorageFailure(HttpStatus.SERVICE_UNAVAILABLE, UNWRITABLE));
    }

    @Test
    void aDatabaseFileThatCannotBeOpenedIsUnavailableStorage() throws Exception {
        Path missing = Files.createDirectories(dir.resolve("gone")).resolve("nowhere").resolve("db.sqlite");
        SQLException refused = null;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + missing)) {
            c.createStatement().execute("CREATE TABLE t (x INTEGER)");
        } catch (SQLException e) {
            refused = e;
        }
        assertThat(StorageFailure.of(refused)).contains(new StorageFailure(HttpStatus.SERVICE_UNAVAILABLE, UNWRITABLE));
    }

    @Test
    void sqliteDiskErrorsAndAFullDiskAreToldApart() {
        assertThat(StorageFailure.of(new SQLiteException("disk I/O error", SQLiteErrorCode.SQLITE_IOERR_WRITE)))
                .contains(new StorageFailure(HttpStatus.SERVICE_UNAVAILABLE, UNWRITABLE));
        assertThat(StorageFailure.of(new SQLiteException("database or disk is full", SQLiteErrorCode.SQLITE_FULL)))
                .contains(new StorageFailure(HttpStatus.INSUFFICIENT_STORAGE, FULL));
        assertThat(StorageFailure.of(new SQLiteException("constraint failed", SQLiteErrorCode.SQLITE_CONSTRAINT)))
                .as("not the storage's fault").isEmpty();
    }

    @Test
    void aFullPostgresqlDiskIsFullStorage() {
        assertThat(StorageFailure.of(new SQLException("could not extend file: No space left on device", "53100")))
                .contains(new StorageFailure(HttpStatus.INSUFFICIENT_STORAGE, FULL));
        assertThat(StorageFailure.of(new SQLException("duplicate key", "23505"))).isEmpty();
    }

    /** Needs the PostgreSQL server ./mondrian test starts: skipped without it, failed on CI. */
    @Test
    void aWriteInAReadOnlyPostgresqlTransactionIsUnavailableStorage() throws Exception {
        Optional<StorageFailure> failure;
        try (Connection c = DriverManager.getConnection(TestDatabase.freshPostgres()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (x INTEGER)");
            s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
            failure = Optional.empty();
            try {
                s.execute("INSERT INTO t VALUES (1)");
            } catch (SQLException e) {
                failure = StorageFailure.of(e);
            }
        }
        assertThat(failure).contains(new StorageFailure(HttpStatus.SERVICE_UNAVAILABLE, UNWRITABLE));
    }
}
