package dev.mondrian.trainer.data;

import static dev.mondrian.trainer.data.Randoms.range;

import dev.mondrian.trainer.data.PhotoProperties.NegativeSpace;
import java.util.random.RandomGenerator;

/**
 * How much texture a scene gets: over what share of the frame and how strong (as a share of the subject's
 * separation, so texture never outshouts the subject), aimed at an empty share inside the wanted negative space.
 *
 * @param goal the empty share aimed at
 */
record Clutter(NegativeSpace space, double busyShare, double amplitude, double goal, double maxAmplitude) {

    // Measured empty shares closer than this to a class boundary are redrawn.
    private static final double MARGIN = 0.03;

    // Texture peaks stay below this share of the subject's separation, so the subject remains what stands out.
    private static final double MAX_SHARE_OF_SEPARATION = 0.6;

    static Clutter start(NegativeSpace space, double separation, RandomGenerator random) {
        double most = MAX_SHARE_OF_SEPARATION * separation;
        return switch (space) {
            // Open space still has a faint surface, well below what the meter counts as detail.
            case OPEN -> new Clutter(space, 1, separation * range(random, 0.02, 0.06), range(random, 0.7, 0.85), most);
            case BALANCED -> new Clutter(space, range(random, 0.3, 0.45), separation * range(random, 0.35, 0.5),
                    range(random, 0.4, 0.5), most);
            case CROWDED -> new Clutter(space, range(random, 0.85, 1), separation * range(random, 0.35, 0.5),
                    range(random, 0.1, 0.2), most);
        };
    }

    boolean fits(double empty) {
        return switch (space) {
            case OPEN -> empty > Thresholds.OPEN_ABOVE + MARGIN;
            case BALANCED -> empty > Thresholds.CROWDED_BELOW + MARGIN && empty < Thresholds.OPEN_ABOVE - MARGIN;
            case CROWDED -> empty < Thresholds.CROWDED_BELOW - MARGIN;
        };
    }

    /** More texture when the frame came out emptier than the goal, less when busier. */
    Clutter adjusted(double empty) {
        double error = empty - goal;
        if (space == NegativeSpace.OPEN) {
            return new Clutter(space, busyShare, amplitude / 2, goal, maxAmplitude);
        }
        if (error > 0) {
            // Too empty: spread the texture, and strengthen it too (blur and a flat grade weaken it).
            double stronger = Math.min(maxAmplitude, amplitude * (busyShare >= 1 ? 1.5 : 1.2));
            return new Clutter(space, Math.min(1, busyShare + 1.5 * error), stronger, goal, maxAmplitude);
        }
        return new Clutter(space, Math.max(0.05, busyShare + 1.5 * error), amplitude * 0.85, goal, maxAmplitude);
    }
}
