package dev.mondrian.functions.uploads;

import dev.mondrian.functions.MondrianProperties;
import jakarta.servlet.MultipartConfigElement;
import org.springframework.boot.servlet.MultipartConfigFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/** Multipart limits derived from {@code mondrian.max-upload-size}, so one setting governs uploads. */
@Configuration(proxyBeanMethods = false)
class UploadLimits {
    @Bean
    MultipartConfigElement multipartConfigElement(MondrianProperties properties) {
        MultipartConfigFactory factory = new MultipartConfigFactory();
        long limit = properties.maxUploadSize().toBytes();
        factory.setMaxFileSize(DataSize.ofBytes(limit));
        // Room for the form fields beside the image.
        factory.setMaxRequestSize(DataSize.ofBytes(limit + DataSize.ofMegabytes(1).toBytes()));
        factory.setFileSizeThreshold(DataSize.ofMegabytes(1));
        return factory.createMultipartConfig();
    }
}
