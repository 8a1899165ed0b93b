package dev.mondrian.trainer.data;

import java.util.Arrays;

final class Percentile {
    private Percentile() {}

    /** The value below which the given share (0 to 1) of values lie. */
    static double of(float[] values, double share) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
    }
}
