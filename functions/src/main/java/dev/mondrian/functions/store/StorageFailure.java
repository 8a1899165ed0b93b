package dev.mondrian.functions.store;

import java.sql.SQLException;
import java.util.Optional;
import org.springframework.http.HttpStatus;

/**
 * A write the database could not make because of where it keeps its data: the disk is full, or the data
 * folder became read-only or unreadable. Reported to clients as such (507 or 503 with what to expect), not as
 * an internal error; the transaction was rolled back, so nothing half-written is left behind.
 */
public record StorageFailure(HttpStatus status, String message) {
    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_IOERR = 10;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_CANTOPEN = 14;

    public static Optional<StorageFailure> of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                Optional<StorageFailure> known = classify(sql);
                if (known.isPresent()) {
                    return known;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<StorageFailure> classify(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        // sqlite-jdbc reports SQLite's (extended) result code as the vendor code; the low byte is the primary one.
        int sqlite = e.getClass().getName().startsWith("org.sqlite.") ? e.getErrorCode() & 0xff : -1;
        if (sqlite == SQLITE_FULL || state.equals("53100")) {
            return Optional.of(new StorageFailure(HttpStatus.INSUFFICIENT_STORAGE,
                    "the service's storage is full, so nothing was saved; try again once space is freed"));
        }
        if (sqlite == SQLITE_READONLY || sqlite == SQLITE_IOERR || sqlite == SQLITE_CANTOPEN
                || state.equals("25006")) {
            return Optional.of(new StorageFailure(HttpStatus.SERVICE_UNAVAILABLE,
                    "the service cannot write its data (read-only or failing storage), so nothing was saved;"
                            + " try again later"));
        }
        return Optional.empty();
    }
}
