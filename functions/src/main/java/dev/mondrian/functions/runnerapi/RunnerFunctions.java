package dev.mondrian.functions.runnerapi;

import dev.mondrian.protocol.RunnerWire.CallbackAck;
import dev.mondrian.protocol.RunnerWire.ClaimRequest;
import dev.mondrian.protocol.RunnerWire.ClaimedJob;
import dev.mondrian.protocol.RunnerWire.Completion;
import dev.mondrian.protocol.RunnerWire.Failure;
import dev.mondrian.protocol.RunnerWire.Heartbeat;
import dev.mondrian.protocol.RunnerWire.Release;
import dev.mondrian.protocol.RunnerWire.ThinkingReport;
import java.util.function.Function;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The runner-side job operations as functions; a claim that finds no job returns null. */
@Configuration(proxyBeanMethods = false)
class RunnerFunctions {
    @Bean
    Function<ClaimRequest, ClaimedJob> claimJob(JobLeases runners) {
        return request -> runners.claim(request).orElse(null);
    }

    @Bean
    Function<Heartbeat, CallbackAck> heartbeatJob(JobLeases runners) {
        return runners::heartbeat;
    }

    @Bean
    Function<ThinkingReport, CallbackAck> thinkingUpdate(JobLeases runners) {
        return runners::thinking;
    }

    @Bean
    Function<Completion, CallbackAck> completeJob(JobLeases runners) {
        return runners::complete;
    }

    @Bean
    Function<Failure, CallbackAck> failJob(JobLeases runners) {
        return runners::fail;
    }

    @Bean
    Function<Release, CallbackAck> releaseJob(JobLeases runners) {
        return runners::release;
    }
}
