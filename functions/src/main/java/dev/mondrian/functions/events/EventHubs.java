package dev.mondrian.functions.events;

import dev.mondrian.functions.MondrianProperties;
import dev.mondrian.functions.metrics.EventMeters;
import dev.mondrian.functions.store.Dialect;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One instance's hub on SQLite; on PostgreSQL, a hub that also reaches every other instance on the same database;
 * on AWS Lambda, where events go to WebSocket connections instead, the plain one (see the lambda package).
 */
@Configuration(proxyBeanMethods = false)
class EventHubs {

    @Bean
    EventHub eventHub(MondrianProperties properties, Dialect dialect, EventLog log, EventMeters meters) {
        LocalEventHub local = new LocalEventHub(properties, meters::subscriberDropped);
        // On Lambda (a WebSocket API to push to) no stream is held in the process: nothing to listen for.
        if (dialect != Dialect.POSTGRESQL || !properties.websocketManagementEndpoint().isBlank()) {
            return local;
        }
        return new PostgresEventHub(local, log, new PostgresEventHub.Listener(properties.effectiveDatabaseUrl(),
                properties.databaseUser(), properties.databasePassword())).start();
    }
}
