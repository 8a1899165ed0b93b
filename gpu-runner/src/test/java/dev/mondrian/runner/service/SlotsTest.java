package dev.mondrian.runner.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.TinyModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How many jobs a runner takes at once, from {@code --slots} and the model. */
class SlotsTest {
    private static final long GB = 1L << 30;

    @TempDir
    Path dir;

    @Test
    void autoFitsTheCachesInTheMemoryLeftAfterTheHeadroomAtMostEight() {
        assertThat(Slots.fitting(Slots.HEADROOM + 3 * GB, GB)).isEqualTo(3);
        assertThat(Slots.fitting(Slots.HEADROOM + 3 * GB - 1, GB)).isEqualTo(2);
        assertThat(Slots.fitting(Slots.HEADROOM + 100 * GB, GB)).isEqualTo(Slots.AUTO_MAX);
        // Even with no room, one job runs: its cache is what --context asked for.
        assertThat(Slots.fitting(GB, GB)).isEqualTo(1);
    }

    @Test
    void autoGivesASmallModelOneSlotAndANumberIsTakenAsItIs() throws Exception {
        Path folder = TinyModels.visionChat(dir);
        try (Model model = Model.load(folder, "cpu", 64)) {
            assertThat(Slots.resolve("auto", model, folder)).isEqualTo(1);
            assertThat(Slots.resolve("3", model, folder)).isEqualTo(3);
        }
    }
}
