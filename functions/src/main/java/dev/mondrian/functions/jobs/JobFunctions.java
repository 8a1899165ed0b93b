package dev.mondrian.functions.jobs;

import java.util.function.Function;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The client-side job operations as functions, for spring-cloud-function-web (under {@code /fn/})
 * and the AWS Lambda adapter. The HTTP contract's routes call the same {@link JobService}.
 */
@Configuration(proxyBeanMethods = false)
class JobFunctions {
    @Bean
    Function<JobRequest, JobView> createJob(JobService jobs) {
        return jobs::create;
    }

    @Bean
    Function<String, JobView> getJob(JobService jobs) {
        return jobs::get;
    }

    @Bean
    Function<String, JobView> cancelJob(JobService jobs) {
        return jobs::cancel;
    }
}
