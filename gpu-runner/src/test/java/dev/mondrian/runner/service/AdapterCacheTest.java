package dev.mondrian.runner.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.TinyModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's adapters: checked at open and when they change, least recently used unloaded beyond the capacity, never one in use. */
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
            assertThat(cache.refresh().usable()).containsExactly("a", "b", "c");
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

    /**
     * The folder is looked at again before every claim: an adapter put there later is offered once it fits, one that
     * does not is reported with its reason (and tried again when its files change), one taken away is not offered.
     */
    @Test
    void anAdapterPutThereLaterIsCheckedThenOfferedOrReportedWithItsReason() throws Exception {
        Path modelDir = TinyModels.visionChat(dir.resolve("model"));
        Path adapters = Files.createDirectories(dir.resolve("adapters"));
        TinyModels.adapter(modelDir, adapters.resolve("a"), 1, true);
        try (Model model = Model.load(modelDir, "cpu", 32); AdapterCache cache = AdapterCache.open(model, adapters, 4)) {
            assertThat(cache.refresh()).isEqualTo(new AdapterCache.Holdings(List.of("a"), Map.of()));

            TinyModels.adapter(modelDir, adapters.resolve("late"), 2, true);
            TinyModels.adapter(modelDir, adapters.resolve("wide"), 3, false);
            AdapterCache.Holdings later = cache.refresh();
            assertThat(later.usable()).containsExactly("a", "late");
            assertThat(later.problems()).containsOnlyKeys("wide");
            assertThat(later.problems().get("wide")).contains("do not fit its weight");
            try (AdapterCache.Use late = cache.acquire("late")) {
                assertThat(late.adapter().name()).isEqualTo("late");
            }
            assertThatThrownBy(() -> cache.acquire("wide")).hasMessageContaining("no adapter 'wide'");

            TinyModels.adapter(modelDir, adapters.resolve("wide"), 3, true); // its files written again, fitting now
            delete(adapters.resolve("a"));
            assertThat(cache.refresh()).isEqualTo(new AdapterCache.Holdings(List.of("late", "wide"), Map.of()));
            assertThatThrownBy(() -> cache.acquire("a")).hasMessageContaining("no adapter 'a'");
        }
    }

    private static void delete(Path folder) throws IOException {
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
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
