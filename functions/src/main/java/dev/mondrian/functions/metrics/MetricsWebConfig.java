package dev.mondrian.functions.metrics;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
class MetricsWebConfig implements WebMvcConfigurer {
    private final RunnerCallbackTimer callbackTimer;

    MetricsWebConfig(RunnerCallbackTimer callbackTimer) {
        this.callbackTimer = callbackTimer;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        // First, around the token check too: a refused call is timed with its 401.
        registry.addInterceptor(callbackTimer).order(Ordered.HIGHEST_PRECEDENCE);
    }
}
