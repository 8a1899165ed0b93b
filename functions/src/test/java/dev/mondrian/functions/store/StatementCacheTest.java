package dev.mondrian.functions.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's statements, reused on a real SQLite file: the same answers as fresh ones, and nothing left open. */
class StatementCacheTest {
    private Handle handle;
    /** Every statement the handle executed, in order, by identity. */
    private final List<PreparedStatement> executed = new ArrayList<>();

    @BeforeEach
    void open(@TempDir Path dir) {
        Jdbi jdbi = OneJobDatabase.create(dir);
        handle = StatementCache.install(jdbi.open());
        handle.addCustomizer(new StatementCustomizer() {
            @Override
            public void beforeExecution(PreparedStatement statement, StatementContext ctx) {
                executed.add(statement);
            }
        });
    }

    @AfterEach
    void close() {
        if (!handle.isClosed()) {
            handle.close();
        }
    }

    @Test
    void aTextRunAgainReusesItsStatementWithOnlyTheNewArguments() {
        for (int seq = 1; seq <= 3; seq++) {
            handle.createUpdate("INSERT INTO job_events (job_id, seq, type, data, at) VALUES (:job, :seq, 'token', :data, 0)")
                    .bind("job", "job").bind("seq", seq).bind("data", "d" + seq).execute();
        }
        assertThat(Set.copyOf(executed)).hasSize(1);
        assertThat(handle.createQuery("SELECT data FROM job_events ORDER BY seq").mapTo(String.class).list())
                .containsExactly("d1", "d2", "d3");
        // An optional argument left out the second time must not keep the first time's value.
        String update = "UPDATE jobs SET tokens = coalesce(:tokens, 0) WHERE id = 'job'";
        handle.createUpdate(update).bind("tokens", 7).execute();
        handle.createUpdate(update).bindNull("tokens", java.sql.Types.INTEGER).execute();
        assertThat(handle.createQuery("SELECT tokens FROM jobs").mapTo(Integer.class).one()).isZero();
    }

    @Test
    void aQueryRunInsideTheSameQuerysResultsGetsAStatementOfItsOwn() {
        for (int seq = 1; seq <= 3; seq++) {
            handle.execute("INSERT INTO job_events (job_id, seq, type, data, at) VALUES ('job', ?, 'token', ?, 0)",
                    seq, "d" + seq);
        }
        String query = "SELECT seq FROM job_events WHERE seq >= :from ORDER BY seq";
        List<String> pairs = new ArrayList<>();
        try (var outer = handle.createQuery(query).bind("from", 1).mapTo(Long.class).stream()) {
            outer.forEach(seq -> pairs.add(seq + ":" + handle.createQuery(query).bind("from", seq).mapTo(Long.class).list()));
        }
        assertThat(pairs).containsExactly("1:[1, 2, 3]", "2:[2, 3]", "3:[3]");
        // Afterwards one statement serves the text again.
        executed.clear();
        handle.createQuery(query).bind("from", 2).mapTo(Long.class).list();
        handle.createQuery(query).bind("from", 3).mapTo(Long.class).list();
        assertThat(Set.copyOf(executed)).hasSize(1);
    }

    @Test
    void aStatementThatFailedServesItsTextAgain() {
        String insert = "INSERT INTO job_events (job_id, seq, type, data, at) VALUES ('job', :seq, 'token', 'd', 0)";
        handle.createUpdate(insert).bind("seq", 1).execute();
        assertThatThrownBy(() -> handle.createUpdate(insert).bind("seq", 1).execute())
                .hasMessageContaining("UNIQUE");
        handle.createUpdate(insert).bind("seq", 2).execute();
        assertThat(handle.createQuery("SELECT count(*) FROM job_events").mapTo(Integer.class).one()).isEqualTo(2);
    }

    @Test
    void closingTheHandleClosesWhatItKeptAndTheIdleOnesAreBounded() throws SQLException {
        for (int i = 0; i < 100; i++) {
            handle.createQuery("SELECT " + i).mapTo(Integer.class).one();
        }
        Set<PreparedStatement> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        distinct.addAll(executed);
        assertThat(distinct).hasSize(100);
        long open = 0;
        for (PreparedStatement statement : distinct) {
            open += statement.isClosed() ? 0 : 1;
        }
        assertThat(open).isEqualTo(64);
        handle.close();
        for (PreparedStatement statement : distinct) {
            assertThat(statement.isClosed()).isTrue();
        }
    }

    @Test
    void aPlainStatementIsPreparedOnceOnTheWritersHandleAndClosedWithIt() throws SQLException {
        String insert = "INSERT INTO job_events (job_id, seq, type, data, at) VALUES ('job', ?, 'token', ?, 0)";
        List<PreparedStatement> used = new ArrayList<>();
        for (int seq = 1; seq <= 3; seq++) {
            int n = seq;
            StatementCache.plain(handle, insert, statement -> {
                used.add(statement);
                statement.setInt(1, n);
                statement.setString(2, "d" + n);
                return statement.executeUpdate();
            });
        }
        assertThat(Set.copyOf(used)).hasSize(1);
        assertThat(handle.createQuery("SELECT data FROM job_events ORDER BY seq").mapTo(String.class).list())
                .containsExactly("d1", "d2", "d3");
        assertThat(used.getFirst().isClosed()).isFalse();
        handle.close();
        assertThat(used.getFirst().isClosed()).isTrue();
    }

    @Test
    void aPlainStatementUsedInsideItsOwnTextsUseGetsASecondOneAndOneStaysIdle() throws SQLException {
        String count = "SELECT count(*) FROM jobs";
        List<PreparedStatement> used = new ArrayList<>();
        StatementCache.PlainUse<Long> counting = counting(used);
        long nested = StatementCache.plain(handle, count, outer -> {
            used.add(outer);
            return StatementCache.plain(handle, count, counting);
        });
        assertThat(nested).isEqualTo(1);
        assertThat(Set.copyOf(used)).hasSize(2);
        assertThat(used.stream().filter(StatementCacheTest::closed)).hasSize(1);
        PreparedStatement idle = used.stream().filter(statement -> !closed(statement)).findFirst().orElseThrow();
        StatementCache.plain(handle, count, counting);
        assertThat(used.getLast()).isSameAs(idle);
    }

    @Test
    void aPlainStatementOnAnotherHandleLastsAsLongAsThatHandle(@TempDir Path dir) throws SQLException {
        List<PreparedStatement> used = new ArrayList<>();
        try (Handle other = OneJobDatabase.create(dir).open()) {
            for (int i = 0; i < 2; i++) {
                long count = StatementCache.plain(other, "SELECT count(*) FROM jobs", counting(used));
                assertThat(count).isEqualTo(1);
            }
            assertThat(Set.copyOf(used)).hasSize(2);
            assertThat(used).noneMatch(StatementCacheTest::closed);
        }
        assertThat(used).allMatch(StatementCacheTest::closed);
    }

    @Test
    void aPlainStatementsFailureIsJdbisWithTheDriversCauseAndTheStatementServesAgain() {
        String insert = "INSERT INTO job_events (job_id, seq, type, data, at) VALUES ('job', ?, 'token', 'd', 0)";
        StatementCache.PlainUse<Integer> first = statement -> {
            statement.setInt(1, 1);
            return statement.executeUpdate();
        };
        StatementCache.plain(handle, insert, first);
        assertThatThrownBy(() -> StatementCache.plain(handle, insert, first))
                .isInstanceOf(UnableToExecuteStatementException.class)
                .hasRootCauseInstanceOf(SQLException.class)
                .rootCause().hasMessageContaining("UNIQUE");
        StatementCache.plain(handle, insert, statement -> {
            statement.setInt(1, 2);
            return statement.executeUpdate();
        });
        assertThat(handle.createQuery("SELECT count(*) FROM job_events").mapTo(Integer.class).one()).isEqualTo(2);
    }

    /** Reads a count query's one number, noting the statement it was given in {@code used}. */
    private static StatementCache.PlainUse<Long> counting(List<PreparedStatement> used) {
        return statement -> {
            used.add(statement);
            try (var rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        };
    }

    /** {@link PreparedStatement#isClosed} without its checked exception, for assertions. */
    private static boolean closed(PreparedStatement statement) {
        try {
            return statement.isClosed();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
