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
    void autoFitsTheCachesInTheMemoryLeftAfterTheHeadroomUpToItsCeiling() {
        assertThat(Slots.fitting(Slots.HEADROOM + 3 * GB, GB, Slots.AUTO_MAX)).isEqualTo(3);
        assertThat(Slots.fitting(Slots.HEADROOM + 3 * GB - 1, GB, Slots.AUTO_MAX)).isEqualTo(2);
        assertThat(Slots.fitting(Slots.HEADROOM + 100 * GB, GB, Slots.AUTO_MAX)).isEqualTo(Slots.AUTO_MAX);
        assertThat(Slots.fitting(Slots.HEADROOM + 100 * GB, GB, Slots.AUTO_MAX_GPU)).isEqualTo(Slots.AUTO_MAX_GPU);
        // Even with no room, one job runs: its cache is what --context asked for.
        assertThat(Slots.fitting(GB, GB, Slots.AUTO_MAX)).isEqualTo(1);
    }

    @Test
    void autoGivesASmallModelOneSlotOnACpuAndANumberIsTakenAsItIs() throws Exception {
        Path folder = TinyModels.visionChat(dir);
        try (Model model = Model.load(folder, "cpu", 64)) {
            assertThat(Slots.resolve("auto", model, folder)).isEqualTo(1);
            assertThat(Slots.resolve("3", model, folder)).isEqualTo(3);
        }
    }
}
