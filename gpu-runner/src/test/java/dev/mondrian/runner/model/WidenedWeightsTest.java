package dev.mondrian.runner.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A packed matrix widened a block of rows at a time gives the product of the whole matrix: against a plain-Java
 * product over the BF16 values, for blocks of one row, of a whole number of rows, with a remainder, and of the
 * whole matrix, with and without a bias, over rows of two and three dimensions; one buffer serves matrices of
 * several shapes in turn.
 */
class WidenedWeightsTest {
    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest(name = "block of {0} floats")
    @CsvSource({"5", "33", "64", "77", "100000"})
    void blocksOfRowsGiveTheWholeProduct(long block) {
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            WidenedWeights widened = new WidenedWeights(manager, block);
            SplittableRandom random = new SplittableRandom(block);
            int[][] shapes = {{13, 11}, {7, 16}, {13, 11}};
            for (int[] shape : shapes) {
                int out = shape[0];
                int in = shape[1];
                float[] w = bf16(random, out * in);
                PackedMatrix matrix = packed(manager, w, out, in);
                float[] bias = random.nextBoolean() ? floats(random, out) : null;
                for (long[] dims : new long[][] {{4, in}, {2, 3, in}}) {
                    float[] x = floats(random, (int) new Shape(dims).size());
                    NDArray y = widened.apply(matrix, manager.create(x, new Shape(dims)),
                            bias == null ? null : manager.create(bias));
                    long[] expectedDims = dims.clone();
                    expectedDims[dims.length - 1] = out;
                    assertThat(y.getShape()).isEqualTo(new Shape(expectedDims));
                    assertThat(Closeness.maxDifference(y.toFloatArray(), product(x, w, bias, out, in)))
                            .as("%dx%d over %s", out, in, new Shape(dims)).isLessThan(TOLERANCE);
                }
            }
        }
    }

    /** Each row of x (flattened [rows, in]) times wᵀ plus the bias, in doubles. */
    private static double[] product(float[] x, float[] w, float[] bias, int out, int in) {
        int rows = x.length / in;
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double sum = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++) {
                    sum += (double) x[r * in + i] * w[o * in + i];
                }
                y[r * out + o] = sum;
            }
        }
        return y;
    }

    /** Values a BF16 holds exactly: float32 with the low 16 bits zero. */
    private static float[] bf16(SplittableRandom random, int count) {
        float[] values = floats(random, count);
        for (int i = 0; i < count; i++) {
            values[i] = Float.intBitsToFloat(Float.floatToRawIntBits(values[i]) & 0xFFFF0000);
        }
        return values;
    }

    private static float[] floats(SplittableRandom random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        return values;
    }

    private static PackedMatrix packed(NDManager manager, float[] values, int rows, int columns) {
        PackedMatrix matrix = PackedMatrix.allocate(manager, VectorKernel.Element.BF16, rows, columns);
        for (int i = 0; i < values.length; i++) {
            matrix.values().setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i,
                    (short) (Float.floatToRawIntBits(values[i]) >>> 16));
        }
        return matrix;
    }
}
