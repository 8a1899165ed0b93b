package dev.mondrian.functions.runnerapi;

import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The refusals every callback under a lease documents: written once, read by the API document as its own. */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ApiResponse(responseCode = "400", description = "a field missing, negative or too long")
@ApiResponse(responseCode = "404", description = "no job with this id")
@ApiResponse(responseCode = "409",
        description = "not the job's current, unexpired lease: the job was re-queued, cancelled or finished")
@interface LeaseErrors {}
