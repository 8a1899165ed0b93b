package dev.mondrian.functions.http;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a route that only a holder of the runner or the admin bearer token may call. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RequiresToken {
    Role value();

    enum Role { RUNNER, ADMIN }
}
