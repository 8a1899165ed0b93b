package dev.mondrian.functions.http;

/**
 * Who calls, as a route's credential rule sees it wherever the route runs: the bearer token of the Authorization
 * header, a read token from the {@code token} query parameter (what a browser's EventSource can send), and the job
 * the path names.
 */
public record Caller(String bearer, String readToken, String jobId) {
    /** From an {@code Authorization} header as sent (null when none), the {@code token} parameter and the path's job. */
    public static Caller of(String authorization, String readToken, String jobId) {
        return new Caller(Credentials.bearer(authorization), readToken, jobId);
    }
}
