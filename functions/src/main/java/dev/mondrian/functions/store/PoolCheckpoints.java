package dev.mondrian.functions.store;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Empties the connection pool before a JVM checkpoint and lets it fill again after restore. On AWS Lambda with
 * SnapStart the initialised service is snapshotted; connections open at that moment would come back with dead
 * sockets, each found out only by a failed validation. Spring stops its lifecycle beans when a checkpoint is
 * signalled (org.crac) and starts them after restore; this one stops last and starts first, so the rest of
 * the service drains before the pool does (on an ordinary shutdown too).
 */
public final class PoolCheckpoints implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(PoolCheckpoints.class);
    private static final long DRAIN_MS = 10_000;

    private final HikariDataSource pool;
    private volatile boolean running;

    PoolCheckpoints(HikariDataSource pool) {
        this.pool = pool;
    }

    @Override
    public void start() {
        HikariPoolMXBean bean = pool.getHikariPoolMXBean();
        if (bean != null && !running) {
            bean.resumePool();
        }
        running = true;
    }

    /** Holds new borrowers, closes idle connections at once and the others as they come back. */
    @Override
    public void stop() {
        running = false;
        HikariPoolMXBean bean = pool.getHikariPoolMXBean();
        if (bean == null) {
            return;
        }
        bean.suspendPool();
        bean.softEvictConnections();
        long deadline = System.currentTimeMillis() + DRAIN_MS;
        while (bean.getTotalConnections() > 0 && System.currentTimeMillis() < deadline) {
            bean.softEvictConnections();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (bean.getTotalConnections() > 0) {
            log.warn("{} database connections still in use after {} ms", bean.getTotalConnections(), DRAIN_MS);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1_000;
    }
}
