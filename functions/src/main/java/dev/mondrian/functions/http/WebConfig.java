package dev.mondrian.functions.http;

import dev.mondrian.functions.logging.RequestLogFields;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
class WebConfig implements WebMvcConfigurer {
    private final RequestLogFields logFields;
    private final TokenGuard tokenGuard;

    WebConfig(RequestLogFields logFields, TokenGuard tokenGuard) {
        this.logFields = logFields;
        this.tokenGuard = tokenGuard;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(logFields);
        registry.addInterceptor(tokenGuard);
    }
}
