package dev.mondrian.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.PackageGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The service's packages form no loop, so each can be read (and changed) knowing only those below it. */
class PackageLoopsTest {
    static final PackageGraph GRAPH = PackageGraph.read(Path.of("src/main/java"), "dev.mondrian.functions");

    @Test
    void noPackageDependsOnItselfThroughOthers() {
        assertThat(GRAPH.cycles()).as("package graph:%n%s", GRAPH.describe()).isEmpty();
    }

    @Test
    void metricsKnowNothingOfTheDomain() {
        assertThat(GRAPH.uses().get("metrics")).doesNotContainAnyElementsOf(
                List.of("jobs", "events", "runnerapi", "advisors", "uploads", "admin", "compat", "streams"));
    }

    @Test
    void theCheckFindsALoopWhenThereIsOne() {
        PackageGraph loop = new PackageGraph(Map.of("a", Set.of("b"), "b", Set.of("c"),
                "c", Set.of("a")));
        assertThat(loop.cycles()).containsExactly(List.of("a", "b", "c", "a"));
    }
}
