package dev.mondrian.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.protocol.RunnerRoutes.Route;
import org.junit.jupiter.api.Test;

class RunnerRoutesTest {
    @Test
    void everyRouteIsDistinctAndEveryJobRouteNamesTheJob() {
        assertThat(RunnerRoutes.ALL.stream().map(Route::key)).doesNotHaveDuplicates();
        for (Route route : RunnerRoutes.ALL) {
            assertThat(route.template()).startsWith("/api/");
            if (route != RunnerRoutes.CLAIM) {
                assertThat(route.path("j-1")).contains("/j-1/").doesNotContain("{");
            }
        }
    }

    @Test
    void aPathIsTheTemplateWithTheJobIdInPlace() {
        assertThat(RunnerRoutes.THINKING.path("abc")).isEqualTo("/api/runner/jobs/abc/thinking");
        assertThat(RunnerRoutes.THINKING_BEFORE.key()).isEqualTo("PUT /api/jobs/{id}/thinking");
    }
}
