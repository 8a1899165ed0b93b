package dev.mondrian.functions.http;

import java.util.concurrent.Executors;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Jetty's selector and acceptor on a few platform threads, requests on virtual threads. With
 * {@code spring.threads.virtual.enabled} Spring Boot gives Jetty a pool where everything, selectors included,
 * is a virtual thread; with a few thousand open streams that pool stopped reading new requests altogether
 * (measured with {@code ./mondrian load}, docs/BENCHMARKS.md). Runs after Boot's customizer to replace its pool.
 */
@Component
class JettyThreads implements WebServerFactoryCustomizer<JettyServletWebServerFactory>, Ordered {
    /** Platform threads for selecting, accepting and short tasks; blocking request work runs on virtual threads. */
    static final int PLATFORM_THREADS = 16;

    @Override
    public void customize(JettyServletWebServerFactory factory) {
        QueuedThreadPool pool = new QueuedThreadPool(PLATFORM_THREADS, 4);
        pool.setName("jetty");
        pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        factory.setThreadPool(pool);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
