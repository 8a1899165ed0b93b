package dev.mondrian.functions.store;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.DefaultStatementBuilder;
import org.jdbi.v3.core.statement.StatementBuilder;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one connection's prepared statements open between uses, one idle statement per SQL text. SQLite compiles
 * a statement's SQL on every prepare, and the database writer runs the same few statements thousands of times a
 * second: compiling took twice the time running them did (docs/BENCHMARKS.md, "The first minute"). A text whose
 * statement is still in use (a query nested in another's results) gets a second one, closed after use as before.
 */
public final class StatementCache implements StatementBuilder {
    private static final Logger log = LoggerFactory.getLogger(StatementCache.class);
    /** The writer's statements are a few dozen texts; a bound keeps composed ones from piling up. */
    private static final int MAX_IDLE = 64;

    private final StatementBuilder prepare = new DefaultStatementBuilder();
    private final Map<String, PreparedStatement> idle = new LinkedHashMap<>(32, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() <= MAX_IDLE) {
                return false;
            }
            closeQuietly(eldest.getValue());
            return true;
        }
    };
    /**
     * The statements lent out that may come back to {@link #idle} ({@link #plain}'s, and Jdbi's but for generated-key
     * and updatable ones), each with the text it was prepared from: Jdbi names a statement by the text as written
     * when it closes it, and by the text as parsed when it creates it.
     */
    private final Map<Statement, String> lent = new IdentityHashMap<>();

    /**
     * Gives the handle a cache of its own, closed with it: a handle closes the builder it was opened with, not
     * one set later.
     */
    public static Handle install(Handle handle) {
        StatementCache cache = new StatementCache();
        Connection connection = handle.getConnection();
        handle.setStatementBuilder(cache);
        handle.addCleanable(() -> cache.close(connection));
        return handle;
    }

    private StatementCache() {}

    /** What a caller of {@link #plain} does with the statement. */
    public interface PlainUse<T> {
        T run(PreparedStatement statement) throws SQLException;
    }

    /**
     * Runs a plain JDBC statement of the handle's connection, for the few statements every runner update makes:
     * there Jdbi's per-statement setup took a quarter of the writer's time and made a third of the service's
     * garbage (docs/BENCHMARKS.md, "Plain statements in the writer"). On the writer's handle the statement comes
     * from the cache and goes back to it, as Jdbi's do; on any other it is closed with the handle. Its results must
     * be read before {@code use} returns. A failure is Jdbi's, as the same statement through Jdbi would have thrown.
     */
    public static <T> T plain(Handle handle, String sql, PlainUse<T> use) {
        try {
            if (!(handle.getStatementBuilder() instanceof StatementCache cache)) {
                PreparedStatement statement = handle.getConnection().prepareStatement(sql);
                handle.addCleanable(statement::close);
                return use.run(statement);
            }
            PreparedStatement statement = cache.lend(sql, () -> handle.getConnection().prepareStatement(sql));
            try {
                return use.run(statement);
            } finally {
                cache.giveBack(statement);
            }
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException("running " + sql, e, null);
        }
    }

    @Override
    public Statement create(Connection connection, StatementContext ctx) throws SQLException {
        return prepare.create(connection, ctx);
    }

    @Override
    public PreparedStatement create(Connection connection, String sql, StatementContext ctx) throws SQLException {
        if (ctx.isReturningGeneratedKeys() || ctx.isConcurrentUpdatable()) {
            return prepare.create(connection, sql, ctx);
        }
        return lend(sql, () -> prepare.create(connection, sql, ctx));
    }

    /** How a statement for a text not idle is made. */
    private interface Preparation {
        PreparedStatement prepare() throws SQLException;
    }

    /** The text's idle statement, its parameters cleared, or a new one; lent until {@link #giveBack}. */
    private PreparedStatement lend(String sql, Preparation preparation) throws SQLException {
        PreparedStatement statement = idle.remove(sql);
        if (statement == null) {
            statement = preparation.prepare();
        } else {
            statement.clearParameters();
        }
        lent.put(statement, sql);
        return statement;
    }

    /** Back to {@link #idle}, or closed if its text already has an idle statement (or it was never lent). */
    private void giveBack(Statement statement) throws SQLException {
        String prepared = lent.remove(statement);
        if (prepared != null && !statement.isClosed() && !idle.containsKey(prepared)) {
            idle.put(prepared, (PreparedStatement) statement);
        } else {
            statement.close();
        }
    }

    @Override
    public CallableStatement createCall(Connection connection, String sql, StatementContext ctx)
            throws SQLException {
        return prepare.createCall(connection, sql, ctx);
    }

    @Override
    public void close(Connection connection, String sql, Statement statement) throws SQLException {
        giveBack(statement);
    }

    /** The connection is closing: its idle statements go with it. */
    @Override
    public void close(Connection connection) {
        List<PreparedStatement> open = new ArrayList<>(idle.values());
        idle.clear();
        lent.clear();
        open.forEach(StatementCache::closeQuietly);
    }

    private static void closeQuietly(Statement statement) {
        try {
            statement.close();
        } catch (SQLException e) {
            log.debug("closing a cached statement failed: {}", e.toString());
        }
    }
}
