package dev.mondrian.runner.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's adapters: checked at open, least recently used unloaded beyond the capacity, never one in use. */
class AdapterCacheTest {
    @TempDir
    Path dir;

    @Test
    void keepsAtMostCapacityLoadedButNeverUnloadsOneInUse() throws Exception {
        Path modelDir = TinyModels.visionChat(dir.resolve("model"));
        Path adapters = Files.createDirectories(dir.resolve("adapters"));
        for (String name : new String[] {"a", "b", "c"}) {
            TinyModels.adapter(modelDir, adapters.resolve(name), name.charAt(0), true);
        }
        try (Model model = Model.load(modelDir, "cpu", 32); AdapterCache cache = AdapterCache.open(model, adapters, 1)) {
            assertThat(cache.names()).containsExactly("a", "b", "c");
            assertThat(cache.loadedCount()).isEqualTo(1);
            try (AdapterCache.Use a = cache.acquire("a"); AdapterCache.Use b = cache.acquire("b")) {
                assertThat(cache.loadedCount()).as("both in use").isEqualTo(2);
                assertThat(a.adapter()).isNotSameAs(b.adapter());
                assertThat(a.adapter().adapted()).isNotEmpty();
            }
            assertThat(cache.loadedCount()).as("back to the capacity once released").isEqualTo(1);
            try (AdapterCache.Use b = cache.acquire("b")) {
                assertThat(b.adapter().name()).isEqualTo("b");
            }
            assertThatThrownBy(() -> cache.acquire("d")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no adapter 'd'").hasMessageContaining("[a, b, c]");
        }
    }

    @Test
    void anAdapterThatDoesNotFitStopsTheOpenWithItsName() throws Exception {
        Path modelDir = TinyModels.visionChat(dir.resolve("model"));
        Path adapters = Files.createDirectories(dir.resolve("adapters"));
        TinyModels.adapter(modelDir, adapters.resolve("fine"), 1, true);
        TinyModels.adapter(modelDir, adapters.resolve("wide"), 2, false);
        try (Model model = Model.load(modelDir, "cpu", 32)) {
            assertThatThrownBy(() -> AdapterCache.open(model, adapters, 4)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("adapter 'wide'").hasMessageContaining("do not fit its weight");
        }
    }
}
