package dev.mondrian.functions.http;

import java.util.Optional;

/** Client keys and the jobs they own, as the credential rules ask about them (the keys package answers). */
public interface ClientAccess {
    /** Whether client keys are on; with them off, creating and reading jobs is open. */
    boolean keysOn();

    /** The id of the live client key a bearer token is, if it is one. */
    Optional<String> keyOf(String bearer);

    /** Whether the caller holds the job's own live key. */
    boolean owns(Caller caller);

    /** Whether the caller holds the job's own live key or a live read token minted for the job. */
    boolean mayRead(Caller caller);
}
