package dev.mondrian.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mondrian.trainer.data.PhotoProperties.Exposure;
import dev.mondrian.trainer.data.PhotoProperties.Horizon;
import dev.mondrian.trainer.data.PhotoProperties.Palette;
import dev.mondrian.trainer.data.PhotoProperties.Saturation;
import dev.mondrian.trainer.data.PhotoProperties.Temperature;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PhotoPropertiesTest {

    @Test
    void randomDrawsOnlyRenderableCombinationsWithEveryValueRoughlyAsOftenAsItsSiblings() {
        SplittableRandom random = new SplittableRandom(1);
        Map<Enum<?>, Integer> counts = new HashMap<>();
        int draws = 14_000;
        for (int i = 0; i < draws; i++) {
            PhotoProperties p = PhotoProperties.random(random);
            assertThat(p.renderable()).as("%s", p).isTrue();
            for (Property property : Property.values()) {
                counts.merge(property.of(p), 1, Integer::sum);
            }
        }
        for (Property property : Property.values()) {
            int k = property.choices().size();
            for (Enum<?> value : property.choices()) {
                double share = counts.getOrDefault(value, 0) / (double) draws;
                assertThat(share).as("%s %s", property, value).isBetween(0.6 / k, 1.5 / k);
            }
        }
    }

    @Test
    void colourPhysicsRulesOutSomeCombinations() {
        PhotoProperties grey = new PhotoProperties(Exposure.BALANCED, PhotoProperties.Contrast.MODERATE, Palette.NEUTRAL,
                Temperature.NEUTRAL, Saturation.MUTED, PhotoProperties.Sharpness.CRISP, Horizon.LEVEL,
                PhotoProperties.Placement.ON_THIRDS, PhotoProperties.NegativeSpace.OPEN);
        assertThat(grey.renderable()).isTrue();
        assertThat(grey.with(Property.SATURATION, Saturation.VIVID).renderable()).isFalse();
        assertThat(grey.with(Property.PALETTE, Palette.BLUE).with(Property.TEMPERATURE, Temperature.WARM).renderable()).isFalse();
        assertThat(grey.with(Property.PALETTE, Palette.BLUE).with(Property.TEMPERATURE, Temperature.COOL).renderable()).isTrue();
        assertThat(grey.with(Property.PALETTE, Palette.GREEN).renderable()).isTrue();
        assertThat(grey.with(Property.PALETTE, Palette.RED).renderable()).isFalse();
    }

    @Test
    void withChangesOnePropertyAndDifferencesNameIt() {
        PhotoProperties p = PhotoProperties.random(new SplittableRandom(2));
        Horizon other = p.horizon() == Horizon.NONE ? Horizon.LEVEL : Horizon.NONE;
        PhotoProperties changed = p.with(Property.HORIZON, other);
        assertThat(changed.horizon()).isEqualTo(other);
        assertThat(p.differences(changed)).containsExactly(Property.HORIZON);
        assertThat(Property.ofValue(other)).isEqualTo(Property.HORIZON);
    }

    @Test
    void missingOrMistypedValuesAreRejectedByName() {
        PhotoProperties p = PhotoProperties.random(new SplittableRandom(3));
        assertThatThrownBy(() -> p.with(Property.EXPOSURE, Palette.RED))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("RED is not a value of exposure");
        Map<Property, Enum<?>> partial = new EnumMap<>(Property.class);
        partial.put(Property.EXPOSURE, Exposure.BALANCED);
        assertThatThrownBy(() -> PhotoProperties.of(partial)).hasMessage("missing contrast");
        assertThatThrownBy(() -> new PhotoProperties(null, p.contrast(), p.palette(), p.temperature(), p.saturation(),
                p.sharpness(), p.horizon(), p.placement(), p.negativeSpace())).hasMessage("missing exposure");
    }
}
