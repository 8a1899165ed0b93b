package dev.mondrian.runner.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;

/** How far the engine's values stand from the expected ones: the largest absolute difference, for bounds in tests. */
public final class Closeness {
    private Closeness() {}

    /** Over two arrays of one length; NaN where either holds a NaN (Math.max keeps it), so it fails every bound. */
    public static double maxDifference(float[] actual, double[] expected) {
        assertThat(actual).as("values compared").hasSize(expected.length);
        double max = 0;
        for (int i = 0; i < actual.length; i++) {
            max = Math.max(max, Math.abs(actual[i] - expected[i]));
        }
        return max;
    }

    public static double maxDifference(float[] actual, float[] expected) {
        return maxDifference(actual, wide(expected));
    }

    /** A flattened [rows, width] array against its rows. */
    public static double maxDifference(float[] actual, double[][] expected) {
        return maxDifference(actual, Arrays.stream(expected).flatMapToDouble(Arrays::stream).toArray());
    }

    /** A flattened [rows, width] array against its rows. */
    public static double maxDifference(float[] actual, float[][] expected) {
        return maxDifference(actual, Arrays.stream(expected).map(Closeness::wide).toArray(double[][]::new));
    }

    public static double maxDifference(NDArray actual, NDArray expected) {
        return maxDifference(actual.toFloatArray(), expected.toFloatArray());
    }

    private static double[] wide(float[] values) {
        double[] wide = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            wide[i] = values[i];
        }
        return wide;
    }
}
