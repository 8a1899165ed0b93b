package dev.mondrian.functions.events;

import dev.mondrian.functions.MondrianProperties;
import dev.mondrian.functions.store.Dialect;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One instance's hub on SQLite; on PostgreSQL, a hub that also reaches every other instance on the same database. */
@Configuration(proxyBeanMethods = false)
class EventHubs {

    @Bean
    EventHub eventHub(MondrianProperties properties, Dialect dialect, EventLog log) {
        LocalEventHub local = new LocalEventHub(properties);
        if (dialect != Dialect.POSTGRESQL) {
            return local;
        }
        return new PostgresEventHub(local, log, new PostgresEventHub.Listener(properties.effectiveDatabaseUrl(),
                properties.databaseUser(), properties.databasePassword())).start();
    }
}
