package dev.mondrian.functions.http;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
class WebConfig implements WebMvcConfigurer {
    private final TokenGuard tokenGuard;

    WebConfig(TokenGuard tokenGuard) {
        this.tokenGuard = tokenGuard;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(tokenGuard);
    }
}
