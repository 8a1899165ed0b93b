package dev.mondrian.runner.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decode kernel against a plain double-precision product, over shapes whose edges the SIMD blocks
 * do not cover (outputs not a multiple of four, inputs not a multiple of the vector length, odd row
 * counts) and across threads; and {@link Projection} choosing it only where it applies.
 */
class VectorKernelTest {
    /**
     * How far one product may stand from itself computed earlier: the Vector API sums a vector's lanes in another
     * order once the JIT compiles it, so the same product before and after compilation differs in the last bits.
     */
    private static final double ROUNDING = 1e-4;

    static Stream<Arguments> shapes() {
        int[][] sizes = {{1, 1}, {5, 3}, {8, 16}, {13, 37}, {64, 96}, {130, 200}};
        return Stream.of(sizes).flatMap(size -> IntStream.of(1, 2, 3, 7, 8, 12, 16, 17)
                .mapToObj(rows -> Arguments.of(size[0], size[1], rows)));
    }

    @ParameterizedTest(name = "[{2} x {1}] by [{0} x {1}]")
    @MethodSource("shapes")
    void matchesAPlainProductOnOneThreadAndOnSeveral(int out, int in, int rows) {
        SplittableRandom random = new SplittableRandom(out * 31L + in * 7L + rows);
        float[] weight = random(random, out * in);
        float[] bias = random(random, out);
        float[] x = random(random, rows * in);
        for (VectorKernel.Blocking blocking : VectorKernel.Blocking.values()) {
            for (int threads : new int[] {1, 3}) {
                // No threshold: even the smallest product is split, so the split is what these shapes test.
                VectorKernel kernel = new VectorKernel(threads, 0, blocking);
                float[] withBias = kernel.multiply(offHeap(weight), offHeap(bias), out, in, x, rows);
                float[] without = kernel.multiply(offHeap(weight), null, out, in, x, rows);
                for (int m = 0; m < rows; m++) {
                    for (int o = 0; o < out; o++) {
                        double expected = 0;
                        for (int i = 0; i < in; i++) {
                            expected += (double) weight[o * in + i] * x[m * in + i];
                        }
                        double tolerance = 1e-5 * (1 + Math.sqrt(in));
                        assertThat((double) without[m * out + o])
                                .as("row %d output %d, %d threads, %s", m, o, threads, blocking)
                                .isCloseTo(expected, offset(tolerance));
                        assertThat((double) withBias[m * out + o]).as("with bias, %s", blocking)
                                .isCloseTo(expected + bias[o], offset(tolerance));
                    }
                }
            }
        }
    }

    /**
     * Packed weights read in place give the product over the values they stand for: BF16 widened to float32, INT8
     * integers times their row's scale; and widening them gives those values.
     */
    @ParameterizedTest(name = "[{2} x {1}] by packed [{0} x {1}]")
    @MethodSource("shapes")
    void readsPackedWeightsAsTheValuesTheyStandFor(int out, int in, int rows) {
        SplittableRandom random = new SplittableRandom(out * 13L + in * 5L + rows);
        float[] x = random(random, rows * in);
        float[] weight = random(random, out * in);
        MemorySegment half = Arena.ofAuto().allocate((long) weight.length * Short.BYTES, 64);
        float[] halfValues = new float[weight.length];
        for (int i = 0; i < weight.length; i++) {
            short bits = (short) (Float.floatToRawIntBits(weight[i]) >>> 16);
            half.setAtIndex(ValueLayout.JAVA_SHORT, i, bits);
            halfValues[i] = Float.intBitsToFloat(bits << 16);
        }
        MemorySegment bytes = Arena.ofAuto().allocate(weight.length, 64);
        float[] scales = new float[out];
        float[] byteValues = new float[weight.length];
        for (int o = 0; o < out; o++) {
            scales[o] = (float) (0.01 + random.nextDouble());
            for (int i = 0; i < in; i++) {
                byte q = (byte) (random.nextInt(255) - 127);
                bytes.set(ValueLayout.JAVA_BYTE, (long) o * in + i, q);
                byteValues[o * in + i] = q * scales[o];
            }
        }
        assertPackedProduct(VectorKernel.Element.BF16, half, null, halfValues, out, in, x, rows);
        assertPackedProduct(VectorKernel.Element.INT8, bytes, offHeap(scales), byteValues, out, in, x, rows);
    }

    private static void assertPackedProduct(VectorKernel.Element element, MemorySegment values, MemorySegment scales,
                                            float[] expectedValues, int out, int in, float[] x, int rows) {
        for (VectorKernel.Blocking blocking : VectorKernel.Blocking.values()) {
            for (int threads : new int[] {1, 3}) {
                float[] actual = new VectorKernel(threads, 0, blocking)
                        .multiply(values, element, scales, null, out, in, x, rows);
                for (int m = 0; m < rows; m++) {
                    for (int o = 0; o < out; o++) {
                        double expected = 0;
                        for (int i = 0; i < in; i++) {
                            expected += (double) expectedValues[o * in + i] * x[m * in + i];
                        }
                        assertThat((double) actual[m * out + o])
                                .as("%s row %d output %d, %d threads, %s", element, m, o, threads, blocking)
                                .isCloseTo(expected, offset(1e-4 * (1 + Math.sqrt(in))));
                    }
                }
            }
        }
        MemorySegment widened = Arena.ofAuto().allocate((long) expectedValues.length * Float.BYTES, 64);
        VectorKernel.widen(element, values, scales, 0, out, in, widened);
        float[] actual = widened.toArray(ValueLayout.JAVA_FLOAT);
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("%s widened value %d", element, i).isCloseTo(expectedValues[i], offset(1e-6f));
        }
    }

    @Test
    void projectionsGiveWhatPyTorchGivesForEveryRowCount() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray weight = manager.randomNormal(new Shape(48, 40));
            NDArray bias = manager.randomNormal(new Shape(48));
            Projection projection = new Projection("w.weight", weight, bias);
            assertThat(projection.kernel()).as("the kernel is on (the JVM has jdk.incubator.vector)").isTrue();
            for (int rows : new int[] {1, 2, 5, Projection.KERNEL_ROWS, Projection.KERNEL_ROWS + 1, 40}) {
                NDArray x = manager.randomNormal(new Shape(rows, 40));
                NDArray expected = Linear.linear(x, weight, bias).singletonOrThrow();
                NDArray actual = projection.apply(x);
                assertThat(actual.getShape()).isEqualTo(expected.getShape());
                assertThat(actual.sub(expected).abs().max().getFloat()).as("%d rows", rows).isLessThan(1e-5f);
            }
            NDArray half = manager.randomNormal(new Shape(8, 4)).toType(DataType.FLOAT16, false);
            assertThat(new Projection("half.weight", half, null).kernel()).as("half precision stays with PyTorch").isFalse();
        }
    }

    @Test
    void gradientsFlowThroughAProjectionWhileTraining() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray weight = manager.randomNormal(new Shape(6, 4));
            Projection projection = new Projection("w.weight", weight, null);
            NDArray x = manager.randomNormal(new Shape(2, 4));
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(projection.apply(x).sum());
            }
            // d(sum(x·Wᵀ))/dx = the column sums of W, for every row.
            float[] expected = weight.sum(new int[] {0}).toFloatArray();
            float[] gradient = x.getGradient().toFloatArray();
            for (int i = 0; i < gradient.length; i++) {
                assertThat(gradient[i]).isCloseTo(expected[i % 4], offset(1e-5f));
            }
        }
    }

    /**
     * Several threads multiplying on one kernel at once (a batched step beside a second job's prompt): each gets its
     * own product whether it held the helper threads or worked alone, and a failure on a helper's range reaches its
     * caller and leaves the helpers working.
     */
    @Test
    void callersAtOnceGetTheirOwnProductsAndAHelpersFailureReachesItsCaller() throws Exception {
        VectorKernel kernel = new VectorKernel(3, 0, VectorKernel.Blocking.ofThisCpu());
        int out = 64;
        int in = 96;
        int rows = 8;
        SplittableRandom random = new SplittableRandom(5);
        MemorySegment weight = offHeap(random(random, out * in));
        List<float[]> inputs = IntStream.range(0, 4).mapToObj(i -> random(random, rows * in)).toList();
        List<float[]> expected = inputs.stream()
                .map(x -> new VectorKernel(1, 0, VectorKernel.Blocking.ofThisCpu()).multiply(weight, null, out, in, x, rows)).toList();
        ExecutorService callers = Executors.newFixedThreadPool(inputs.size());
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int c = 0; c < inputs.size(); c++) {
                int caller = c;
                results.add(callers.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        if (Closeness.maxDifference(kernel.multiply(weight, null, out, in, inputs.get(caller), rows),
                                expected.get(caller)) > ROUNDING) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).as("every product its caller's own").isTrue();
            }
        } finally {
            callers.shutdownNow();
        }
        assertThatThrownBy(() -> kernel.parallel(9, 1, (from, to) -> {
            if (from > 0) {
                throw new ArithmeticException("on a helper");
            }
        })).isInstanceOf(IllegalStateException.class).hasRootCauseInstanceOf(ArithmeticException.class);
        assertThat(Closeness.maxDifference(kernel.multiply(weight, null, out, in, inputs.get(0), rows),
                expected.get(0))).as("the helpers work on").isLessThan(ROUNDING);
    }


    /** Native memory, as a PyTorch tensor's is (the Vector API reads heap segments of byte[] only). */
    private static MemorySegment offHeap(float[] values) {
        MemorySegment segment = Arena.ofAuto().allocate((long) values.length * Float.BYTES, 64);
        MemorySegment.copy(values, 0, segment, ValueLayout.JAVA_FLOAT, 0, values.length);
        return segment;
    }

    private static float[] random(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
