package dev.mondrian.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.trainer.data.PhotoProperties.Horizon;
import dev.mondrian.trainer.data.PhotoProperties.Placement;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DrawnPhotosTest {
    @Test
    void theSameSeedDrawsTheSamePhotoAndTheDrawingsCoverEveryHorizonAndPlacement() {
        DrawnPhotos.Drawn first = DrawnPhotos.draw(3);
        DrawnPhotos.Drawn again = DrawnPhotos.draw(3);
        assertThat(again.horizon()).isEqualTo(first.horizon());
        assertThat(again.image().getRGB(40, 50)).isEqualTo(first.image().getRGB(40, 50));
        Set<Horizon> horizons = EnumSet.noneOf(Horizon.class);
        Set<Placement> placements = EnumSet.noneOf(Placement.class);
        for (int seed = 0; seed < 60; seed++) {
            DrawnPhotos.Drawn photo = DrawnPhotos.draw(seed);
            horizons.add(photo.horizon());
            placements.add(photo.placement());
        }
        assertThat(horizons).containsExactlyInAnyOrder(Horizon.values());
        assertThat(placements).containsExactlyInAnyOrder(Placement.values());
    }

    /** The meter's rules, applied to the drawing's own numbers: a 7° tilt whose right end is lower is clockwise. */
    @Test
    void drawnTruthFollowsTheMetersRules() {
        assertThat(Measurements.horizonAt(7)).isEqualTo(Horizon.TILTED_CLOCKWISE);
        assertThat(Measurements.horizonAt(-7)).isEqualTo(Horizon.TILTED_COUNTERCLOCKWISE);
        assertThat(Measurements.horizonAt(0)).isEqualTo(Horizon.LEVEL);
        assertThat(Measurements.placementAt(0.5, 0.5)).isEqualTo(Placement.CENTERED);
        assertThat(Measurements.placementAt(1 / 3.0, 2 / 3.0)).isEqualTo(Placement.ON_THIRDS);
        assertThat(Measurements.placementAt(0.08, 0.5)).isEqualTo(Placement.NEAR_EDGE);
    }
}
