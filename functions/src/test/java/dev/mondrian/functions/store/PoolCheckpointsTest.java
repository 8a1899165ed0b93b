package dev.mondrian.functions.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.mondrian.functions.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What Spring does to the pool around a JVM checkpoint (Lambda SnapStart), done by hand: stopping leaves no
 * connection open to be snapshotted, and starting again serves requests as before.
 */
class PoolCheckpointsTest extends ServiceTest {
    @Autowired
    PoolCheckpoints checkpoints;
    @Autowired
    HikariDataSource pool;

    @Test
    void aCheckpointLeavesNoConnectionOpenAndARestoreServesAgain() {
        assertThat(http.get("/health").status()).isEqualTo(200);
        assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isPositive();
        assertThat(checkpoints.isRunning()).isTrue();

        checkpoints.stop();
        assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isZero();
        assertThat(checkpoints.isRunning()).isFalse();

        checkpoints.start();
        assertThat(http.get("/health").status()).isEqualTo(200);
        assertThat(http.get("/api/advisors").status()).isEqualTo(200);
        assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isPositive();
    }
}
