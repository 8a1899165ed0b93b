package dev.mondrian.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mondrian.trainer.data.Property;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PairedComparisonTest {
    @Test
    void theExactTestMatchesTheBinomialTailsByHand() {
        assertThat(PairedComparison.mcNemar(0, 0)).isEqualTo(1);
        assertThat(PairedComparison.mcNemar(0, 1)).isEqualTo(1);
        assertThat(PairedComparison.mcNemar(0, 6)).isCloseTo(2.0 / 64, within(1e-12));
        assertThat(PairedComparison.mcNemar(9, 1)).isCloseTo(2.0 * (1 + 10) / 1024, within(1e-12));
        assertThat(PairedComparison.mcNemar(1, 9)).isEqualTo(PairedComparison.mcNemar(9, 1));
        // 2^-n is below a double's range here; the logs keep the tail.
        assertThat(PairedComparison.mcNemar(500, 700)).isGreaterThan(0).isLessThan(1e-7);
        assertThat(PairedComparison.mcNemar(600, 600)).isCloseTo(1, within(1e-9));
    }

    @Test
    void photosAreComparedOneByOneNotByTheirTotals() {
        // Exposure: the same total (4 of 8) but four photos swapped each way; sharpness: six lost, none gained.
        List<Set<Property>> before = new ArrayList<>();
        List<Set<Property>> after = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            before.add(EnumSet.of(i < 4 ? Property.EXPOSURE : Property.CONTRAST, Property.SHARPNESS));
            after.add(i < 4 ? EnumSet.of(Property.CONTRAST) : EnumSet.of(Property.EXPOSURE, Property.CONTRAST));
        }
        after.get(6).add(Property.SHARPNESS);
        after.get(7).add(Property.SHARPNESS);
        List<PairedComparison> rows = PairedComparison.of(score(before), score(after));

        assertThat(rows).hasSize(Property.values().length + 1);
        PairedComparison exposure = rows.get(Property.EXPOSURE.ordinal());
        assertThat(exposure).extracting(PairedComparison::base, PairedComparison::changed, PairedComparison::gained,
                PairedComparison::lost).containsExactly(4, 4, 4, 4);
        assertThat(exposure.p()).isEqualTo(1);
        assertThat(exposure.dropped()).isFalse();
        PairedComparison sharpness = rows.get(Property.SHARPNESS.ordinal());
        assertThat(sharpness).extracting(PairedComparison::gained, PairedComparison::lost).containsExactly(0, 6);
        assertThat(sharpness.dropped()).as("six of six lost: p = 2/64").isTrue();
        PairedComparison contrast = rows.get(Property.CONTRAST.ordinal());
        assertThat(contrast).extracting(PairedComparison::gained, PairedComparison::lost).containsExactly(4, 0);
        assertThat(contrast.dropped()).as("gains are never a drop").isFalse();
        PairedComparison all = rows.getLast();
        assertThat(all.label()).isEqualTo("all nine");
        assertThat(all).extracting(PairedComparison::base, PairedComparison::changed, PairedComparison::gained,
                PairedComparison::lost).containsExactly(16, 14, 8, 10);
    }

    @Test
    void scoresOfDifferentPhotosAreRefused() {
        assertThatThrownBy(() -> PairedComparison.of(score(List.of(Set.of())), score(List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different photos");
    }

    private static Evaluation.Score score(List<Set<Property>> right) {
        return new Evaluation.Score(Map.of(), right, Map.of(), 0, 0);
    }
}
