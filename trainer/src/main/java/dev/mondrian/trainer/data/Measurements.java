package dev.mondrian.trainer.data;

import dev.mondrian.trainer.data.PhotoProperties.Contrast;
import dev.mondrian.trainer.data.PhotoProperties.Exposure;
import dev.mondrian.trainer.data.PhotoProperties.Horizon;
import dev.mondrian.trainer.data.PhotoProperties.NegativeSpace;
import dev.mondrian.trainer.data.PhotoProperties.Placement;
import dev.mondrian.trainer.data.PhotoProperties.Saturation;
import dev.mondrian.trainer.data.PhotoProperties.Sharpness;
import dev.mondrian.trainer.data.PhotoProperties.Temperature;

/**
 * The raw numbers the meter reads off a photo, and the property values they fall into.
 *
 * @param horizonDegrees the dominant near-horizontal line's angle, positive when its right end is lower
 * @param horizonLength how much of the width that line covers
 * @param subjectX the subject's centre as a share of the width, 0.5 when there is no distinct subject
 * @param subjectY the subject's centre as a share of the height, 0.5 when there is no distinct subject
 */
public record Measurements(double meanLuma, double lumaSpread, double meanChroma, double warmth,
                           PhotoProperties.Palette palette, double sharpness, double horizonDegrees,
                           double horizonLength, double subjectX, double subjectY, double emptyShare) {

    public PhotoProperties properties() {
        return new PhotoProperties(exposure(), contrast(), palette, temperature(), saturation(), sharpnessClass(),
                horizon(), placement(), negativeSpace());
    }

    Exposure exposure() {
        return meanLuma < Thresholds.UNDEREXPOSED_BELOW ? Exposure.UNDEREXPOSED
                : meanLuma > Thresholds.OVEREXPOSED_ABOVE ? Exposure.OVEREXPOSED : Exposure.BALANCED;
    }

    Contrast contrast() {
        return lumaSpread < Thresholds.FLAT_BELOW ? Contrast.FLAT
                : lumaSpread > Thresholds.PUNCHY_ABOVE ? Contrast.PUNCHY : Contrast.MODERATE;
    }

    Temperature temperature() {
        return warmth > Thresholds.WARM_ABOVE ? Temperature.WARM
                : warmth < Thresholds.COOL_BELOW ? Temperature.COOL : Temperature.NEUTRAL;
    }

    Saturation saturation() {
        return meanChroma < Thresholds.MUTED_BELOW ? Saturation.MUTED
                : meanChroma > Thresholds.VIVID_ABOVE ? Saturation.VIVID : Saturation.NATURAL;
    }

    Sharpness sharpnessClass() {
        return sharpness > Thresholds.CRISP_ABOVE ? Sharpness.CRISP : Sharpness.SOFT;
    }

    Horizon horizon() {
        return horizonLength < Thresholds.HORIZON_MIN_LENGTH ? Horizon.NONE : horizonAt(horizonDegrees);
    }

    /** The class of a horizon at this angle (positive: right end lower). */
    static Horizon horizonAt(double degrees) {
        if (Math.abs(degrees) <= Thresholds.LEVEL_WITHIN_DEGREES) {
            return Horizon.LEVEL;
        }
        return degrees > 0 ? Horizon.TILTED_CLOCKWISE : Horizon.TILTED_COUNTERCLOCKWISE;
    }

    Placement placement() {
        return placementAt(subjectX, subjectY);
    }

    /** The class of a subject centred here (shares of the width and height). */
    static Placement placementAt(double x, double y) {
        double fromEdge = Math.min(Math.min(x, 1 - x), Math.min(y, 1 - y));
        double fromCentre = Math.max(Math.abs(x - 0.5), Math.abs(y - 0.5));
        return fromEdge < Thresholds.NEAR_EDGE_WITHIN ? Placement.NEAR_EDGE
                : fromCentre < Thresholds.CENTERED_WITHIN ? Placement.CENTERED : Placement.ON_THIRDS;
    }

    NegativeSpace negativeSpace() {
        return emptyShare < Thresholds.CROWDED_BELOW ? NegativeSpace.CROWDED
                : emptyShare > Thresholds.OPEN_ABOVE ? NegativeSpace.OPEN : NegativeSpace.BALANCED;
    }
}
