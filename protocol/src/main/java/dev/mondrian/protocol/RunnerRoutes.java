package dev.mondrian.protocol;

import java.util.List;

/** The runner API's routes: the service maps them, the runner calls them, the AWS stack routes them to Lambda. */
public final class RunnerRoutes {
    /** One route: its method and path template ({@code {id}} is the job id). */
    public record Route(String method, String template) {
        /** As API Gateway and the Lambda dispatcher name it: {@code "POST /api/runner/claim"}. */
        public String key() {
            return method + " " + template;
        }

        public String path(String jobId) {
            return template.replace("{id}", jobId);
        }
    }

    // Paths as constants too, for the service's mapping annotations, which take nothing else.
    public static final String CLAIM_PATH = "/api/runner/claim";
    public static final String HEARTBEAT_PATH = "/api/runner/jobs/{id}/heartbeat";
    public static final String THINKING_PATH = "/api/runner/jobs/{id}/thinking";
    /** Where thinking reports went before they joined their sibling routes; still served, for older runners. */
    public static final String THINKING_BEFORE_PATH = "/api/jobs/{id}/thinking";
    public static final String COMPLETE_PATH = "/api/runner/jobs/{id}/complete";
    public static final String FAIL_PATH = "/api/runner/jobs/{id}/fail";
    public static final String RELEASE_PATH = "/api/runner/jobs/{id}/release";
    public static final String IMAGE_PATH = "/api/runner/jobs/{id}/image";

    public static final Route CLAIM = new Route("POST", CLAIM_PATH);
    public static final Route HEARTBEAT = new Route("POST", HEARTBEAT_PATH);
    public static final Route THINKING = new Route("POST", THINKING_PATH);
    public static final Route THINKING_BEFORE = new Route("PUT", THINKING_BEFORE_PATH);
    public static final Route COMPLETE = new Route("POST", COMPLETE_PATH);
    public static final Route FAIL = new Route("POST", FAIL_PATH);
    public static final Route RELEASE = new Route("POST", RELEASE_PATH);
    public static final Route IMAGE = new Route("GET", IMAGE_PATH);

    public static final List<Route> ALL = List.of(CLAIM, HEARTBEAT, THINKING, THINKING_BEFORE, COMPLETE, FAIL, RELEASE,
            IMAGE);

    private RunnerRoutes() {}
}
