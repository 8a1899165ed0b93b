package dev.mondrian.functions.http;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a route that needs a credential: the runner's or the admin's token, or, when client keys are on
 * ({@code mondrian.client-keys}), a client key ({@code CLIENT}: creating a job), the job's own key or a read token
 * minted for it ({@code READER}), or the job's own key ({@code OWNER}). With client keys off the last three are open.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RequiresToken {
    Role value();

    enum Role { RUNNER, ADMIN, CLIENT, READER, OWNER }
}
