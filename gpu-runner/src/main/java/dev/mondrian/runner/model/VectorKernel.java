package dev.mondrian.runner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * y = x·Wᵀ + b for a few rows of x against a weight [out, in] read in place (an F32 tensor's memory, or a
 * {@link PackedMatrix}'s BF16 or INT8 values, widened in registers), in Java SIMD. A decode step multiplies a row per
 * sequence by every weight, and PyTorch's CPU GEMM does a few rows far below this machine's speed
 * (docs/BENCHMARKS.md: a 896×4864 weight takes 2.7 ms for two rows and 5.0 ms for eight, here 1.3 and 2.6 ms;
 * its one-row path does not use a second thread), so decode steps of up to {@link VectorDecodeStep#MAX_ROWS}
 * sequences come here ({@link VectorDecodeStep}, short prompts through {@link Projection}) while prefill's many rows
 * stay with PyTorch.
 *
 * <p>Blocks of four outputs by two rows share each load: every weight vector read serves two rows,
 * every row vector four outputs, and the eight accumulators are independent chains, enough to keep
 * both FMA units busy. A batch of eight rows or more whose inputs are short ({@link #GROUP_MAX_IN}) goes eight rows
 * at a time by one output instead ({@link #oneByEight}): each weight is then read once, as one stream, for all
 * eight, and the eight rows' vectors, laid side by side ({@link #grouped}), stay in the L1 cache; measured 1.3–1.4×
 * faster on Qwen2.5-0.5B's 896-wide inputs and no faster from 1 024 on, where the rows no longer fit beside the weight
 * (docs/BENCHMARKS.md, issue 19). On CPUs with 32 vector registers (AVX-512) rows go four at a time by four outputs
 * instead ({@link Blocking}). Outputs are split across {@link ComputeThreads#current()} threads
 * ({@link #parallel}, which {@link VectorDecodeStep} also uses to split a batch's attention by rows).
 */
final class VectorKernel {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** BF16 weights: as many 16-bit lanes as {@link #SPECIES} has floats, widened through 32-bit integers. */
    private static final VectorSpecies<Short> HALVES =
            VectorSpecies.of(short.class, VectorShape.forBitSize(SPECIES.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    /** INT8 weights: as many 8-bit lanes as {@link #SPECIES} has floats; none under 256-bit vectors (no 32-bit shape). */
    private static final VectorSpecies<Byte> BYTES = SPECIES.vectorBitSize() >= 256
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(SPECIES.vectorBitSize() / 4)) : null;

    /** How a weight's values are stored. */
    enum Element {
        F32(4), BF16(2), INT8(1);

        private final int bytes;

        Element(int bytes) {
            this.bytes = bytes;
        }

        int bytes() {
            return bytes;
        }
    }

    /**
     * How a product of several rows is cut into blocks held in registers. The faster cut depends on how many vector
     * registers the CPU has (docs/BENCHMARKS.md, issue 19): with 16 (AVX2), four outputs by two rows, and eight rows
     * by one output on short inputs ({@link #oneByEight}); with 32 (AVX-512), four outputs by four rows
     * ({@link #fourByFour}): sixteen accumulators fit, and reading four weight rows at once keeps more of the weights'
     * memory traffic in flight than one row read for eight (1.4–1.5× on one thread on a 4864×896 weight).
     */
    enum Blocking {
        SIXTEEN_REGISTERS, THIRTY_TWO_REGISTERS;

        /** 512-bit vectors come with 32 registers (AVX-512); narrower ones, on this project's CPUs, with 16. */
        static Blocking ofThisCpu() {
            return SPECIES.vectorBitSize() >= 512 ? THIRTY_TWO_REGISTERS : SIXTEEN_REGISTERS;
        }
    }
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final int BLOCK = 4;
    /** Rows taken together by {@link #oneByEight}. */
    private static final int GROUP = 8;
    /** The widest input {@link #oneByEight} takes: eight rows of it (28 kB) fit a 32 kB L1 cache beside the weight. */
    private static final int GROUP_MAX_IN = 896;
    /**
     * Products of fewer multiply-adds than this run on the calling thread alone: handing part of one to another
     * thread and waiting for it costs about what this much work takes on this project's machines (every
     * projection of the shipped model but its output, a LoRA adapter's factors, Qwen2.5-0.5B's k and v).
     * Measured in docs/BENCHMARKS.md (issue 20).
     */
    private static final long PARALLEL_WORK = 1 << 18;
    private static final VectorKernel INSTANCE =
            new VectorKernel(ComputeThreads.current(), PARALLEL_WORK, Blocking.ofThisCpu());

    private final int threads;
    private final long parallelWork;
    private final Blocking blocking;
    private final KernelTeam team;

    VectorKernel(int threads, long parallelWork, Blocking blocking) {
        this.threads = threads;
        this.parallelWork = parallelWork;
        this.blocking = blocking;
        this.team = threads == 1 ? null : new KernelTeam(threads - 1);
    }

    /** Whether INT8 weights can be read here: this CPU's vectors are 256 bits or wider. */
    static boolean readsInt8() {
        return BYTES != null;
    }

    static VectorKernel instance() {
        return INSTANCE;
    }

    /** The memory of a contiguous F32 tensor in CPU memory, to be read (or written) in place; else null. */
    static MemorySegment inPlace(NDArray array) {
        if (array.getDevice().isGpu() || array.getDataType() != DataType.FLOAT32) {
            return null;
        }
        ByteBuffer view = array.toByteBuffer(true);
        return view.isDirect() && view.capacity() == array.size() * Float.BYTES ? MemorySegment.ofBuffer(view) : null;
    }

    /**
     * @param weight [out, in] row-major, of {@code element}
     * @param scales INT8's F32 scale per output (value = integer × scale); else null
     * @param bias   [out] F32, or null
     * @param x      [rows, in], row-major
     * @return [rows, out], row-major
     */
    float[] multiply(MemorySegment weight, Element element, MemorySegment scales, MemorySegment bias, int out, int in,
                     float[] x, int rows) {
        float[] y = new float[rows * out];
        boolean quads = blocking == Blocking.THIRTY_TWO_REGISTERS;
        float[] groups = !quads && rows >= GROUP && in <= GROUP_MAX_IN ? grouped(x, rows, in) : null;
        if ((long) rows * out * in < parallelWork) {
            range(weight, element, scales, bias, out, in, x, groups, quads, rows, y, 0, out);
        } else {
            parallel(out, BLOCK, (from, to) -> range(weight, element, scales, bias, out, in, x, groups, quads, rows, y,
                    from, to));
        }
        return y;
    }

    /**
     * x's whole groups of {@link #GROUP} rows, each group [in / lanes][GROUP][lanes] (its rows' vectors for one stretch
     * of the input side by side, so {@link #oneByEight} reads them as one stream); the inputs past the last whole
     * vector are left out (read from x).
     */
    private static float[] grouped(float[] x, int rows, int in) {
        int lanes = SPECIES.length();
        int bound = SPECIES.loopBound(in);
        int groups = rows / GROUP;
        float[] grouped = new float[groups * GROUP * bound];
        for (int g = 0; g < groups; g++) {
            for (int r = 0; r < GROUP; r++) {
                int from = (g * GROUP + r) * in;
                int to = g * GROUP * bound + r * lanes;
                for (int i = 0; i < bound; i += lanes) {
                    System.arraycopy(x, from + i, grouped, to + i * GROUP, lanes);
                }
            }
        }
        return grouped;
    }

    /** Work on the items [from, to) of something split across threads. */
    @FunctionalInterface
    interface Part {
        void run(int from, int to);
    }

    /**
     * {@code part} over [0, count) split into one contiguous range per thread (each a multiple of {@code granule}
     * items but the last), the first on the calling thread, the others on the {@link KernelTeam}; returns when every
     * range is done. While another thread's work holds the team, the whole of it runs on the calling thread.
     */
    void parallel(int count, int granule, Part part) {
        int chunk = Math.ceilDiv(Math.ceilDiv(count, threads), granule) * granule;
        if (threads == 1 || count <= chunk || !team.acquire()) {
            part.run(0, count);
            return;
        }
        int started = 0;
        try {
            for (int start = chunk; start < count; start += chunk) {
                team.start(started++, part, start, Math.min(count, start + chunk));
            }
            part.run(0, chunk);
        } finally {
            Throwable failure = team.finish(started);
            if (failure != null) {
                throw new IllegalStateException("parallel work failed", failure);
            }
        }
    }

    /** As {@link #multiply(MemorySegment, Element, MemorySegment, MemorySegment, int, int, float[], int)} for F32. */
    float[] multiply(MemorySegment weight, MemorySegment bias, int out, int in, float[] x, int rows) {
        return multiply(weight, Element.F32, null, bias, out, in, x, rows);
    }

    /**
     * y[at, at + width) += Σ_k weights[from + k] · rows[k·width, (k + 1)·width) for k below count: a few weighted
     * rows of a row-major matrix added to one output row (an adapter's B·(A·x) with B transposed, {@link Adapter}).
     */
    static void addWeightedRows(float[] weights, int from, int count, float[] rows, int width, float[] y, int at) {
        int bound = SPECIES.loopBound(width);
        for (int k = 0; k < count; k++) {
            float weight = weights[from + k];
            FloatVector w = FloatVector.broadcast(SPECIES, weight);
            int row = k * width;
            int i = 0;
            for (; i < bound; i += SPECIES.length()) {
                FloatVector.fromArray(SPECIES, rows, row + i).fma(w, FloatVector.fromArray(SPECIES, y, at + i))
                        .intoArray(y, at + i);
            }
            for (; i < width; i++) {
                y[at + i] += weight * rows[row + i];
            }
        }
    }

    /**
     * Rows [first, first + count) of a packed matrix widened into F32 memory: exact for BF16 (the upper half of
     * an F32), integer × row scale for INT8. At memory speed, for the PyTorch operations that need the weight in
     * float32 (prefill, large batches) and for embedding lookups.
     */
    static void widen(Element element, MemorySegment values, MemorySegment scales, long first, long count,
                      long columns, MemorySegment floats) {
        long bound = columns - columns % SPECIES.length();
        for (long r = 0; r < count; r++) {
            long from = (first + r) * columns;
            long to = r * columns * Float.BYTES;
            float scale = scales == null ? 1 : scales.getAtIndex(ValueLayout.JAVA_FLOAT, first + r);
            long i = 0;
            for (; i < bound; i += SPECIES.length()) {
                load(values, element, from + i).mul(scale).intoMemorySegment(floats, to + i * Float.BYTES, ORDER);
            }
            for (; i < columns; i++) {
                floats.setAtIndex(ValueLayout.JAVA_FLOAT, r * columns + i, scalar(values, element, from + i) * scale);
            }
        }
    }

    /** {@link #SPECIES}'s length of weights from element {@code index} on, as F32 (INT8 before its scale). */
    private static FloatVector load(MemorySegment w, Element element, long index) {
        return switch (element) {
            case F32 -> FloatVector.fromMemorySegment(SPECIES, w, index * Float.BYTES, ORDER);
            case BF16 -> (FloatVector) ((IntVector) ShortVector.fromMemorySegment(HALVES, w, index * Short.BYTES, ORDER)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats();
            case INT8 -> (FloatVector) ByteVector.fromMemorySegment(BYTES, w, index, ORDER)
                    .convertShape(VectorOperators.B2F, SPECIES, 0);
        };
    }

    private static float scalar(MemorySegment w, Element element, long index) {
        return switch (element) {
            case F32 -> w.getAtIndex(ValueLayout.JAVA_FLOAT, index);
            case BF16 -> Float.intBitsToFloat(w.getAtIndex(ValueLayout.JAVA_SHORT, index) << 16);
            case INT8 -> w.get(ValueLayout.JAVA_BYTE, index);
        };
    }

    /**
     * Outputs [from, to) of every row; {@code groups}: x's whole groups of eight rows ({@link #grouped}), or null;
     * {@code quads}: rows four at a time ({@link #fourByFour}) before the pairs.
     */
    private static void range(MemorySegment w, Element element, MemorySegment scales, MemorySegment bias, int out,
                              int in, float[] x, float[] groups, boolean quads, int rows, float[] y, int from, int to) {
        int first = 0;
        if (groups != null) {
            first = rows - rows % GROUP;
            for (int m = 0; m < first; m += GROUP) {
                for (int o = from; o < to; o++) {
                    oneByEight(w, element, in, x, groups, out, y, o, m);
                }
            }
        }
        int o = from;
        for (; o + BLOCK <= to; o += BLOCK) {
            int m = first;
            for (; quads && m + 4 <= rows; m += 4) {
                fourByFour(w, element, in, x, out, y, o, m);
            }
            for (; m + 2 <= rows; m += 2) {
                fourByTwo(w, element, in, x, out, y, o, m);
            }
            if (m < rows) {
                fourByOne(w, element, in, x, out, y, o, m);
            }
        }
        for (; o < to; o++) {
            for (int m = first; m < rows; m++) {
                y[m * out + o] = dot(w, element, in, x, o, m);
            }
        }
        if (scales != null) {
            for (int m = 0; m < rows; m++) {
                for (int j = from; j < to; j++) {
                    y[m * out + j] *= scales.getAtIndex(ValueLayout.JAVA_FLOAT, j);
                }
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

    /** Output o of rows m..m+7, m a multiple of {@link #GROUP}: one weight vector read for eight rows' vectors. */
    private static void oneByEight(MemorySegment w, Element element, int in, float[] x, float[] groups, int out,
                                   float[] y, int o, int m) {
        MemorySegment weights = row(w, element, o, in);
        int bound = SPECIES.loopBound(in);
        int group = m * bound;
        int lanes = SPECIES.length();
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        for (int i = 0; i < bound; i += lanes) {
            FloatVector k = load(weights, element, i);
            int at = group + i * GROUP;
            a0 = k.fma(FloatVector.fromArray(SPECIES, groups, at), a0);
            a1 = k.fma(FloatVector.fromArray(SPECIES, groups, at + lanes), a1);
            a2 = k.fma(FloatVector.fromArray(SPECIES, groups, at + 2 * lanes), a2);
            a3 = k.fma(FloatVector.fromArray(SPECIES, groups, at + 3 * lanes), a3);
            a4 = k.fma(FloatVector.fromArray(SPECIES, groups, at + 4 * lanes), a4);
            a5 = k.fma(FloatVector.fromArray(SPECIES, groups, at + 5 * lanes), a5);
            a6 = k.fma(FloatVector.fromArray(SPECIES, groups, at + 6 * lanes), a6);
            a7 = k.fma(FloatVector.fromArray(SPECIES, groups, at + 7 * lanes), a7);
        }
        // Sums in locals, not an array: such an array escaped the JIT's analysis and was most of a step's garbage.
        float s0 = a0.reduceLanes(VectorOperators.ADD);
        float s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD);
        float s3 = a3.reduceLanes(VectorOperators.ADD);
        float s4 = a4.reduceLanes(VectorOperators.ADD);
        float s5 = a5.reduceLanes(VectorOperators.ADD);
        float s6 = a6.reduceLanes(VectorOperators.ADD);
        float s7 = a7.reduceLanes(VectorOperators.ADD);
        for (int i = bound; i < in; i++) {
            float k = scalar(weights, element, i);
            int at = m * in + i;
            s0 += k * x[at];
            s1 += k * x[at + in];
            s2 += k * x[at + 2 * in];
            s3 += k * x[at + 3 * in];
            s4 += k * x[at + 4 * in];
            s5 += k * x[at + 5 * in];
            s6 += k * x[at + 6 * in];
            s7 += k * x[at + 7 * in];
        }
        int at = m * out + o;
        y[at] = s0;
        y[at + out] = s1;
        y[at + 2 * out] = s2;
        y[at + 3 * out] = s3;
        y[at + 4 * out] = s4;
        y[at + 5 * out] = s5;
        y[at + 6 * out] = s6;
        y[at + 7 * out] = s7;
    }

    /**
     * Weight row {@code index} as a segment of its own. Loads at small offsets into a one-row slice ran faster than
     * the same loads at long offsets into the whole weight: a 4×4 block 1.15–1.2× with the weight in cache, the
     * shipped model's decode steps 1.3–2× (docs/BENCHMARKS.md, issue 19); presumably the JIT then checks bounds once
     * per row instead of once per load.
     */
    private static MemorySegment row(MemorySegment w, Element element, long index, int in) {
        long bytes = (long) in * element.bytes();
        return w.asSlice(index * bytes, bytes);
    }

    /** Outputs o..o+3 of rows m..m+3: sixteen accumulators, for CPUs with 32 vector registers ({@link Blocking}). */
    private static void fourByFour(MemorySegment w, Element element, int in, float[] x, int out, float[] y, int o, int m) {
        MemorySegment w0 = row(w, element, o, in);
        MemorySegment w1 = row(w, element, o + 1, in);
        MemorySegment w2 = row(w, element, o + 2, in);
        MemorySegment w3 = row(w, element, o + 3, in);
        int x0 = m * in;
        int x1 = x0 + in;
        int x2 = x1 + in;
        int x3 = x2 + in;
        FloatVector a00 = FloatVector.zero(SPECIES);
        FloatVector a01 = a00;
        FloatVector a02 = a00;
        FloatVector a03 = a00;
        FloatVector a10 = a00;
        FloatVector a11 = a00;
        FloatVector a12 = a00;
        FloatVector a13 = a00;
        FloatVector a20 = a00;
        FloatVector a21 = a00;
        FloatVector a22 = a00;
        FloatVector a23 = a00;
        FloatVector a30 = a00;
        FloatVector a31 = a00;
        FloatVector a32 = a00;
        FloatVector a33 = a00;
        int bound = SPECIES.loopBound(in);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector v0 = FloatVector.fromArray(SPECIES, x, x0 + i);
            FloatVector v1 = FloatVector.fromArray(SPECIES, x, x1 + i);
            FloatVector v2 = FloatVector.fromArray(SPECIES, x, x2 + i);
            FloatVector v3 = FloatVector.fromArray(SPECIES, x, x3 + i);
            FloatVector k0 = load(w0, element, i);
            a00 = k0.fma(v0, a00);
            a01 = k0.fma(v1, a01);
            a02 = k0.fma(v2, a02);
            a03 = k0.fma(v3, a03);
            FloatVector k1 = load(w1, element, i);
            a10 = k1.fma(v0, a10);
            a11 = k1.fma(v1, a11);
            a12 = k1.fma(v2, a12);
            a13 = k1.fma(v3, a13);
            FloatVector k2 = load(w2, element, i);
            a20 = k2.fma(v0, a20);
            a21 = k2.fma(v1, a21);
            a22 = k2.fma(v2, a22);
            a23 = k2.fma(v3, a23);
            FloatVector k3 = load(w3, element, i);
            a30 = k3.fma(v0, a30);
            a31 = k3.fma(v1, a31);
            a32 = k3.fma(v2, a32);
            a33 = k3.fma(v3, a33);
        }
        float s00 = a00.reduceLanes(VectorOperators.ADD);
        float s01 = a01.reduceLanes(VectorOperators.ADD);
        float s02 = a02.reduceLanes(VectorOperators.ADD);
        float s03 = a03.reduceLanes(VectorOperators.ADD);
        float s10 = a10.reduceLanes(VectorOperators.ADD);
        float s11 = a11.reduceLanes(VectorOperators.ADD);
        float s12 = a12.reduceLanes(VectorOperators.ADD);
        float s13 = a13.reduceLanes(VectorOperators.ADD);
        float s20 = a20.reduceLanes(VectorOperators.ADD);
        float s21 = a21.reduceLanes(VectorOperators.ADD);
        float s22 = a22.reduceLanes(VectorOperators.ADD);
        float s23 = a23.reduceLanes(VectorOperators.ADD);
        float s30 = a30.reduceLanes(VectorOperators.ADD);
        float s31 = a31.reduceLanes(VectorOperators.ADD);
        float s32 = a32.reduceLanes(VectorOperators.ADD);
        float s33 = a33.reduceLanes(VectorOperators.ADD);
        for (; i < in; i++) {
            float v0 = x[x0 + i];
            float v1 = x[x1 + i];
            float v2 = x[x2 + i];
            float v3 = x[x3 + i];
            float k0 = scalar(w0, element, i);
            float k1 = scalar(w1, element, i);
            float k2 = scalar(w2, element, i);
            float k3 = scalar(w3, element, i);
            s00 += k0 * v0;
            s01 += k0 * v1;
            s02 += k0 * v2;
            s03 += k0 * v3;
            s10 += k1 * v0;
            s11 += k1 * v1;
            s12 += k1 * v2;
            s13 += k1 * v3;
            s20 += k2 * v0;
            s21 += k2 * v1;
            s22 += k2 * v2;
            s23 += k2 * v3;
            s30 += k3 * v0;
            s31 += k3 * v1;
            s32 += k3 * v2;
            s33 += k3 * v3;
        }
        int at = m * out + o;
        y[at] = s00;
        y[at + 1] = s10;
        y[at + 2] = s20;
        y[at + 3] = s30;
        y[at + out] = s01;
        y[at + out + 1] = s11;
        y[at + out + 2] = s21;
        y[at + out + 3] = s31;
        y[at + 2 * out] = s02;
        y[at + 2 * out + 1] = s12;
        y[at + 2 * out + 2] = s22;
        y[at + 2 * out + 3] = s32;
        y[at + 3 * out] = s03;
        y[at + 3 * out + 1] = s13;
        y[at + 3 * out + 2] = s23;
        y[at + 3 * out + 3] = s33;
    }

    /** Outputs o..o+3 of rows m and m+1. */
    private static void fourByTwo(MemorySegment w, Element element, int in, float[] x, int out, float[] y, int o, int m) {
        MemorySegment w0 = row(w, element, o, in);
        MemorySegment w1 = row(w, element, o + 1, in);
        MemorySegment w2 = row(w, element, o + 2, in);
        MemorySegment w3 = row(w, element, o + 3, in);
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
            FloatVector k0 = load(w0, element, i);
            a00 = k0.fma(v0, a00);
            a01 = k0.fma(v1, a01);
            FloatVector k1 = load(w1, element, i);
            a10 = k1.fma(v0, a10);
            a11 = k1.fma(v1, a11);
            FloatVector k2 = load(w2, element, i);
            a20 = k2.fma(v0, a20);
            a21 = k2.fma(v1, a21);
            FloatVector k3 = load(w3, element, i);
            a30 = k3.fma(v0, a30);
            a31 = k3.fma(v1, a31);
        }
        float s00 = a00.reduceLanes(VectorOperators.ADD);
        float s01 = a01.reduceLanes(VectorOperators.ADD);
        float s10 = a10.reduceLanes(VectorOperators.ADD);
        float s11 = a11.reduceLanes(VectorOperators.ADD);
        float s20 = a20.reduceLanes(VectorOperators.ADD);
        float s21 = a21.reduceLanes(VectorOperators.ADD);
        float s30 = a30.reduceLanes(VectorOperators.ADD);
        float s31 = a31.reduceLanes(VectorOperators.ADD);
        for (; i < in; i++) {
            float v0 = x[x0 + i];
            float v1 = x[x1 + i];
            float k0 = scalar(w0, element, i);
            float k1 = scalar(w1, element, i);
            float k2 = scalar(w2, element, i);
            float k3 = scalar(w3, element, i);
            s00 += k0 * v0;
            s01 += k0 * v1;
            s10 += k1 * v0;
            s11 += k1 * v1;
            s20 += k2 * v0;
            s21 += k2 * v1;
            s30 += k3 * v0;
            s31 += k3 * v1;
        }
        int at = m * out + o;
        y[at] = s00;
        y[at + 1] = s10;
        y[at + 2] = s20;
        y[at + 3] = s30;
        y[at + out] = s01;
        y[at + out + 1] = s11;
        y[at + out + 2] = s21;
        y[at + out + 3] = s31;
    }

    /** Outputs o..o+3 of row m: a single row (one sequence decoding), or the odd row of a batch. */
    private static void fourByOne(MemorySegment w, Element element, int in, float[] x, int out, float[] y, int o, int m) {
        MemorySegment w0 = row(w, element, o, in);
        MemorySegment w1 = row(w, element, o + 1, in);
        MemorySegment w2 = row(w, element, o + 2, in);
        MemorySegment w3 = row(w, element, o + 3, in);
        int x0 = m * in;
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int bound = SPECIES.loopBound(in);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, x0 + i);
            a0 = load(w0, element, i).fma(v, a0);
            a1 = load(w1, element, i).fma(v, a1);
            a2 = load(w2, element, i).fma(v, a2);
            a3 = load(w3, element, i).fma(v, a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD);
        float s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD);
        float s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; i < in; i++) {
            float v = x[x0 + i];
            s0 += scalar(w0, element, i) * v;
            s1 += scalar(w1, element, i) * v;
            s2 += scalar(w2, element, i) * v;
            s3 += scalar(w3, element, i) * v;
        }
        int at = m * out + o;
        y[at] = s0;
        y[at + 1] = s1;
        y[at + 2] = s2;
        y[at + 3] = s3;
    }

    /** Output o of row m alone: the edges the blocks leave. */
    private static float dot(MemorySegment w, Element element, int in, float[] x, int o, int m) {
        MemorySegment weights = row(w, element, o, in);
        int x0 = m * in;
        FloatVector acc = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(in);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            acc = load(weights, element, i).fma(FloatVector.fromArray(SPECIES, x, x0 + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < in; i++) {
            sum += scalar(weights, element, i) * x[x0 + i];
        }
        return sum;
    }
}
