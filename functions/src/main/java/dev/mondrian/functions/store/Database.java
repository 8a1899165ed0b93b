package dev.mondrian.functions.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mondrian.functions.MondrianProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jdbi.v3.core.Jdbi;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One Jdbi over a pooled data source: the embedded SQLite file by default, PostgreSQL by URL. */
@Configuration(proxyBeanMethods = false)
public class Database {

    @Bean
    Dialect dialect(MondrianProperties properties) {
        return Dialect.of(properties.effectiveDatabaseUrl());
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(MondrianProperties properties, Dialect dialect) {
        String url = properties.effectiveDatabaseUrl();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setPoolName("mondrian");
        config.setAllowPoolSuspension(true); // see PoolCheckpoints
        if (!properties.databaseUser().isBlank()) {
            config.setUsername(properties.databaseUser());
            config.setPassword(properties.databasePassword());
        }
        if (dialect == Dialect.SQLITE) {
            createDataDir(properties);
            // WAL lets readers run beside the single writer; IMMEDIATE transactions take the
            // write lock up front so two writers queue on busy_timeout instead of failing with
            // SQLITE_BUSY when a read lock would have to be upgraded.
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("synchronous", "NORMAL");
            config.addDataSourceProperty("busy_timeout", "10000");
            config.addDataSourceProperty("foreign_keys", "true");
            config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
            // Nothing here asks for generated keys, and the driver would otherwise run SELECT last_insert_rowid()
            // after every INSERT, a statement compiled anew each time.
            config.addDataSourceProperty("jdbc.get_generated_keys", "false");
            config.setMaximumPoolSize(8);
        } else {
            config.setMaximumPoolSize(16);
        }
        return new HikariDataSource(config);
    }

    @Bean
    PoolCheckpoints poolCheckpoints(HikariDataSource dataSource) {
        return new PoolCheckpoints(dataSource);
    }

    @Bean
    Jdbi jdbi(HikariDataSource dataSource, Dialect dialect) {
        Jdbi jdbi = Jdbi.create(dataSource);
        new Migrations(jdbi, dialect).apply();
        return jdbi;
    }

    private static void createDataDir(MondrianProperties properties) {
        Path dir = properties.dataDir().toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data folder " + dir, e);
        }
        // Said plainly at start, rather than as the first write's SQLite error (or a recovery that cannot run).
        if (!Files.isWritable(dir)) {
            throw new IllegalStateException("the data folder " + dir + " is read-only; Mondrian keeps its database there"
                    + " and must be able to write it (set MONDRIAN_DATA_DIR to a writable folder)");
        }
    }
}
