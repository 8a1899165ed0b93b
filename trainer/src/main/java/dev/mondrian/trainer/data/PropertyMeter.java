package dev.mondrian.trainer.data;

import java.awt.image.BufferedImage;

/**
 * Measures the nine properties on any image. This is the definition of every property: the renderer aims at
 * it and the evaluation compares a model's words with it. Thresholds are in {@link Thresholds}.
 */
public final class PropertyMeter {

    public PhotoProperties measure(BufferedImage image) {
        return measurements(image).properties();
    }

    /** The raw numbers behind {@link #measure}, for diagnostics and for aiming a render. */
    public Measurements measurements(BufferedImage image) {
        return measurements(FloatImage.of(image));
    }

    /** Only the empty share, for the renderer's clutter loop (the rest of the meter is not needed there). */
    double emptyShare(FloatImage image) {
        FloatImage grid = image.resized(Thresholds.LAYOUT_GRID, Thresholds.LAYOUT_GRID);
        return NegativeSpaceMeasure.emptyShare(grid, SubjectFinder.of(grid).mask(), ToneAndColour.of(image).lumaSpread());
    }

    Measurements measurements(FloatImage image) {
        ToneAndColour tone = ToneAndColour.of(image);
        HorizonMeasure.Line line = HorizonMeasure.of(image);
        FloatImage grid = image.resized(Thresholds.LAYOUT_GRID, Thresholds.LAYOUT_GRID);
        SubjectFinder.Subject subject = SubjectFinder.of(grid);
        return new Measurements(tone.meanLuma(), tone.lumaSpread(), tone.meanChroma(), tone.warmth(), tone.palette(),
                SharpnessMeasure.of(image), line.degrees(), line.length(), subject.x(), subject.y(),
                NegativeSpaceMeasure.emptyShare(grid, subject.mask(), tone.lumaSpread()));
    }
}
