package dev.mondrian.runner.protocol;

/** A runner API call that did not succeed, sorted by what the runner should do about it. */
public final class FunctionsException extends Exception {
    public enum Kind {
        /** Not reachable, timed out, or a 5xx: try again later. */
        UNAVAILABLE,
        /** 409: the lease is not this runner's any more (cancelled, re-queued, finished): stop the job. */
        LEASE_LOST,
        /** 401: the runner token is wrong; nothing will work until it is fixed. */
        UNAUTHORIZED,
        /** Any other 4xx: this request can never succeed. */
        REJECTED
    }

    private final Kind kind;

    public FunctionsException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public boolean retryable() {
        return kind == Kind.UNAVAILABLE;
    }
}
