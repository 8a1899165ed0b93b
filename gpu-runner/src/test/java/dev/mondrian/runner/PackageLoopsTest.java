package dev.mondrian.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.PackageGraph;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The runner's packages form no loop: the engine (model, generation) knows nothing of serving jobs. */
class PackageLoopsTest {
    static final PackageGraph GRAPH = PackageGraph.read(Path.of("src/main/java"), "dev.mondrian.runner");

    @Test
    void noPackageDependsOnItselfThroughOthers() {
        assertThat(GRAPH.cycles()).as("package graph:%n%s", GRAPH.describe()).isEmpty();
    }

    @Test
    void theEngineKnowsNothingOfTheServiceOrTheCommandLine() {
        for (String engine : new String[] {"model", "generation", "sampling", "tokenizer", "chat"}) {
            assertThat(GRAPH.uses().get(engine)).as(engine).doesNotContain("service", "protocol", "cli", "metrics");
        }
    }
}
