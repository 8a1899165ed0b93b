package dev.mondrian.functions.runnerapi;

import dev.mondrian.functions.runnerapi.RunnerMessages.CallbackAck;
import dev.mondrian.functions.runnerapi.RunnerMessages.ClaimRequest;
import dev.mondrian.functions.runnerapi.RunnerMessages.ClaimedJob;
import dev.mondrian.functions.runnerapi.RunnerMessages.CompleteRequest;
import dev.mondrian.functions.runnerapi.RunnerMessages.FailRequest;
import dev.mondrian.functions.runnerapi.RunnerMessages.Heartbeat;
import dev.mondrian.functions.runnerapi.RunnerMessages.ReleaseRequest;
import dev.mondrian.functions.runnerapi.RunnerMessages.ThinkingRequest;
import java.util.function.Function;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The runner-side job operations as functions; a claim that finds no job returns null. */
@Configuration(proxyBeanMethods = false)
class RunnerFunctions {
    @Bean
    Function<ClaimRequest, ClaimedJob> claimJob(Runners runners) {
        return request -> runners.claim(request).orElse(null);
    }

    @Bean
    Function<Heartbeat, CallbackAck> heartbeatJob(Runners runners) {
        return runners::heartbeat;
    }

    @Bean
    Function<ThinkingRequest, CallbackAck> thinkingUpdate(Runners runners) {
        return runners::thinking;
    }

    @Bean
    Function<CompleteRequest, CallbackAck> completeJob(Runners runners) {
        return runners::complete;
    }

    @Bean
    Function<FailRequest, CallbackAck> failJob(Runners runners) {
        return runners::fail;
    }

    @Bean
    Function<ReleaseRequest, CallbackAck> releaseJob(Runners runners) {
        return runners::release;
    }
}
