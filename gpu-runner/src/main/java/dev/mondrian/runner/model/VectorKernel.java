package dev.mondrian.runner.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * y = x·Wᵀ + b for a few rows of x against an F32 weight [out, in] read in place from a CPU tensor's
 * memory, in Java SIMD. A batched decode step multiplies a row per sequence by every weight, and
 * PyTorch's CPU GEMM does a few rows far below this machine's speed (docs/BENCHMARKS.md: a 896×4864
 * weight takes 2.7 ms for two rows and 5.0 ms for eight, here 1.3 and 2.6 ms), so those steps of
 * {@link Projection} come here while one row and prefill's many stay with PyTorch.
 *
 * <p>Blocks of four outputs by two rows share each load: every weight vector read serves two rows,
 * every row vector four outputs, and the eight accumulators are independent chains, enough to keep
 * both FMA units busy. Outputs are split across {@link ComputeThreads#current()} threads.
 */
final class VectorKernel {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final int BLOCK = 4;
    private static final VectorKernel INSTANCE = new VectorKernel(ComputeThreads.current());

    private final int threads;
    private final ExecutorService helpers;

    VectorKernel(int threads) {
        this.threads = threads;
        this.helpers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, task -> {
            Thread thread = new Thread(task, "mondrian-kernel");
            thread.setDaemon(true);
            return thread;
        });
    }

    static VectorKernel instance() {
        return INSTANCE;
    }

    /**
     * @param weight [out, in] F32, row-major
     * @param bias   [out] F32, or null
     * @param x      [rows, in], row-major
     * @return [rows, out], row-major
     */
    float[] multiply(MemorySegment weight, MemorySegment bias, int out, int in, float[] x, int rows) {
        float[] y = new float[rows * out];
        int chunk = Math.ceilDiv(Math.ceilDiv(out, threads), BLOCK) * BLOCK;
        if (threads == 1 || out <= chunk) {
            range(weight, bias, out, in, x, rows, y, 0, out);
            return y;
        }
        List<Future<?>> parts = new ArrayList<>(threads - 1);
        for (int start = chunk; start < out; start += chunk) {
            int from = start;
            int to = Math.min(out, start + chunk);
            parts.add(helpers.submit(() -> range(weight, bias, out, in, x, rows, y, from, to)));
        }
        range(weight, bias, out, in, x, rows, y, 0, chunk);
        for (Future<?> part : parts) {
            try {
                part.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted in a matrix product", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a matrix product failed", e.getCause());
            }
        }
        return y;
    }

    /** Outputs [from, to) of every row. */
    private static void range(MemorySegment w, MemorySegment bias, int out, int in, float[] x, int rows, float[] y,
                              int from, int to) {
        int o = from;
        for (; o + BLOCK <= to; o += BLOCK) {
            int m = 0;
            for (; m + 2 <= rows; m += 2) {
                fourByTwo(w, in, x, out, y, o, m);
            }
            if (m < rows) {
                fourByOne(w, in, x, out, y, o, m);
            }
        }
        for (; o < to; o++) {
            for (int m = 0; m < rows; m++) {
                y[m * out + o] = dot(w, in, x, o, m);
            }
        }
        if (bias != null) {
            for (int m = 0; m < rows; m++) {
                for (int j = from; j < to; j++) {
                    y[m * out + j] += bias.getAtIndex(ValueLayout.JAVA_FLOAT, j);
                }
            }
        }
    }

    /** Outputs o..o+3 of rows m and m+1. */
    private static void fourByTwo(MemorySegment w, int in, float[] x, int out, float[] y, int o, int m) {
        long w0 = (long) o * in * Float.BYTES;
        long w1 = w0 + (long) in * Float.BYTES;
        long w2 = w1 + (long) in * Float.BYTES;
        long w3 = w2 + (long) in * Float.BYTES;
        int x0 = m * in;
        int x1 = x0 + in;
        FloatVector a00 = FloatVector.zero(SPECIES);
        FloatVector a01 = a00;
        FloatVector a10 = a00;
        FloatVector a11 = a00;
        FloatVector a20 = a00;
        FloatVector a21 = a00;
        FloatVector a30 = a00;
        FloatVector a31 = a00;
        int bound = SPECIES.loopBound(in);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector v0 = FloatVector.fromArray(SPECIES, x, x0 + i);
            FloatVector v1 = FloatVector.fromArray(SPECIES, x, x1 + i);
            long offset = (long) i * Float.BYTES;
            FloatVector k0 = FloatVector.fromMemorySegment(SPECIES, w, w0 + offset, ORDER);
            a00 = k0.fma(v0, a00);
            a01 = k0.fma(v1, a01);
            FloatVector k1 = FloatVector.fromMemorySegment(SPECIES, w, w1 + offset, ORDER);
            a10 = k1.fma(v0, a10);
            a11 = k1.fma(v1, a11);
            FloatVector k2 = FloatVector.fromMemorySegment(SPECIES, w, w2 + offset, ORDER);
            a20 = k2.fma(v0, a20);
            a21 = k2.fma(v1, a21);
            FloatVector k3 = FloatVector.fromMemorySegment(SPECIES, w, w3 + offset, ORDER);
            a30 = k3.fma(v0, a30);
            a31 = k3.fma(v1, a31);
        }
        float[] sums = {a00.reduceLanes(VectorOperators.ADD), a01.reduceLanes(VectorOperators.ADD),
                a10.reduceLanes(VectorOperators.ADD), a11.reduceLanes(VectorOperators.ADD),
                a20.reduceLanes(VectorOperators.ADD), a21.reduceLanes(VectorOperators.ADD),
                a30.reduceLanes(VectorOperators.ADD), a31.reduceLanes(VectorOperators.ADD)};
        for (; i < in; i++) {
            float v0 = x[x0 + i];
            float v1 = x[x1 + i];
            for (int j = 0; j < BLOCK; j++) {
                float k = w.getAtIndex(ValueLayout.JAVA_FLOAT, (long) (o + j) * in + i);
                sums[2 * j] += k * v0;
                sums[2 * j + 1] += k * v1;
            }
        }
        for (int j = 0; j < BLOCK; j++) {
            y[m * out + o + j] = sums[2 * j];
            y[(m + 1) * out + o + j] = sums[2 * j + 1];
        }
    }

    /** Outputs o..o+3 of row m: a single row (one sequence decoding), or the odd row of a batch. */
    private static void fourByOne(MemorySegment w, int in, float[] x, int out, float[] y, int o, int m) {
        long w0 = (long) o * in * Float.BYTES;
        long w1 = w0 + (long) in * Float.BYTES;
        long w2 = w1 + (long) in * Float.BYTES;
        long w3 = w2 + (long) in * Float.BYTES;
        int x0 = m * in;
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int bound = SPECIES.loopBound(in);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, x0 + i);
            long offset = (long) i * Float.BYTES;
            a0 = FloatVector.fromMemorySegment(SPECIES, w, w0 + offset, ORDER).fma(v, a0);
            a1 = FloatVector.fromMemorySegment(SPECIES, w, w1 + offset, ORDER).fma(v, a1);
            a2 = FloatVector.fromMemorySegment(SPECIES, w, w2 + offset, ORDER).fma(v, a2);
            a3 = FloatVector.fromMemorySegment(SPECIES, w, w3 + offset, ORDER).fma(v, a3);
        }
        float[] sums = {a0.reduceLanes(VectorOperators.ADD), a1.reduceLanes(VectorOperators.ADD),
                a2.reduceLanes(VectorOperators.ADD), a3.reduceLanes(VectorOperators.ADD)};
        for (; i < in; i++) {
            for (int j = 0; j < BLOCK; j++) {
                sums[j] += w.getAtIndex(ValueLayout.JAVA_FLOAT, (long) (o + j) * in + i) * x[x0 + i];
            }
        }
        for (int j = 0; j < BLOCK; j++) {
            y[m * out + o + j] = sums[j];
        }
    }

    /** Output o of row m alone: the edges the blocks leave. */
    private static float dot(MemorySegment w, int in, float[] x, int o, int m) {
        long base = (long) o * in * Float.BYTES;
        int row = m * in;
        FloatVector acc = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(in);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            acc = FloatVector.fromMemorySegment(SPECIES, w, base + (long) i * Float.BYTES, ORDER)
                    .fma(FloatVector.fromArray(SPECIES, x, row + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < in; i++) {
            sum += w.getAtIndex(ValueLayout.JAVA_FLOAT, (long) o * in + i) * x[row + i];
        }
        return sum;
    }
}
