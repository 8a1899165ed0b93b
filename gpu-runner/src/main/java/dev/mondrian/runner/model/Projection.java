package dev.mondrian.runner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A linear layer: x·Wᵀ (+ b) over the last axis of x, for W [out, in]. Decode steps on a CPU (one row per
 * sequence, {@link VectorDecodeStep}) and short prompts (up to {@link #KERNEL_ROWS} tokens) go through
 * {@link VectorKernel}, which reads the weight where it is held; everything else (longer prompts, batches past
 * {@link VectorDecodeStep#MAX_ROWS}, GPUs, float16, training) through PyTorch. W is a tensor, or on a CPU a
 * {@link PackedMatrix} (BF16 as stored, or INT8), which PyTorch gets widened to float32 per operation.
 * The kernel needs the {@code jdk.incubator.vector} module ({@code --add-modules jdk.incubator.vector},
 * as the runner's launchers pass); without it, or with {@code -Dmondrian.kernel=torch}, PyTorch does all.
 */
public final class Projection {
    /**
     * Rows the kernel takes through {@link #apply(NDArray)}: a short prompt's (decode steps come through
     * {@link VectorDecodeStep}). One row of a float32 weight stays with PyTorch here (its matrix-vector path does as
     * well), and from about 16 rows on PyTorch's GEMM does as fast or faster on one thread (docs/BENCHMARKS.md).
     * A packed weight takes any row count up to {@link #KERNEL_ROWS} here: PyTorch would need it widened first.
     */
    static final int KERNEL_MIN_ROWS = 2;
    static final int KERNEL_ROWS = 8;
    static final boolean KERNEL = kernelEnabled();

    private final String name;
    private final NDArray weight;
    private final PackedMatrix packed;
    private final WidenedWeights widened;
    private final NDArray bias;
    private final MemorySegment weightMemory;
    private final MemorySegment biasMemory;
    /** How the kernel reads {@link #weightMemory}, INT8's row scales (else null), and the weight's shape. */
    private final VectorKernel.Element element;
    private final MemorySegment scales;
    private final int out;
    private final int in;

    /** @param name the weight's canonical name, by which an {@link Adapter} finds its factors for it */
    Projection(String name, NDArray weight, NDArray bias) {
        this(name, weight, null, null, bias, KERNEL ? VectorKernel.inPlace(weight) : null);
    }

    private Projection(String name, NDArray weight, PackedMatrix packed, WidenedWeights widened, NDArray bias,
                       MemorySegment weightInPlace) {
        this.name = name;
        this.weight = weight;
        this.packed = packed;
        this.widened = widened;
        this.bias = bias;
        MemorySegment biasInPlace = KERNEL && bias != null ? VectorKernel.inPlace(bias) : null;
        boolean inPlace = weightInPlace != null && (bias == null || biasInPlace != null);
        this.weightMemory = inPlace ? weightInPlace : null;
        this.biasMemory = inPlace ? biasInPlace : null;
        this.element = packed == null ? VectorKernel.Element.F32 : packed.element();
        this.scales = packed == null ? null : packed.scaleMemory();
        Shape shape = packed == null ? weight.getShape() : packed.shape();
        this.out = (int) shape.get(0);
        this.in = (int) shape.get(1);
    }

    /**
     * The weight {@code name} of {@code weights}, however it is held.
     *
     * @param widened where a packed weight is widened for PyTorch, or null to widen it afresh each time (the
     *                output projection: a vocabulary-sized copy to keep would cost more than it saves)
     */
    static Projection of(Weights weights, String name, NDArray bias, WidenedWeights widened) {
        return weights.packed(name)
                .map(packed -> new Projection(name, null, packed, widened, bias, packed.values()))
                .orElseGet(() -> new Projection(name, weights.get(name), bias));
    }

    String name() {
        return name;
    }

    /** Whether decode steps go through {@link VectorKernel}. */
    boolean kernel() {
        return weightMemory != null;
    }

    /**
     * x [rows, in] → [rows, out], each group of rows plus its adapter's scale·B·(A·x) where it adapts this weight.
     * The sum is the second product's bias (one addmm, not a product and an add), and a group's mask zeroes the
     * other rows of the small A·x, not of the wide result: each PyTorch call costs more than its arithmetic here.
     */
    NDArray apply(NDArray x, AdapterRows adapters) {
        NDArray y = apply(x);
        for (AdapterRows.Group group : adapters.groups()) {
            Adapter.Factors factors = group.adapter().factors(name);
            if (factors != null) {
                NDArray low = Linear.linear(x, factors.a()).singletonOrThrow();
                y = Linear.linear(group.mask() == null ? low : low.mul(group.mask()), factors.scaledB(), y)
                        .singletonOrThrow();
            }
        }
        return y;
    }

    /** x [..., in] → [..., out]. */
    public NDArray apply(NDArray x) {
        Shape shape = x.getShape();
        int in = (int) shape.get(shape.dimension() - 1);
        long rows = shape.size() / in;
        if (weightMemory != null && rows >= (packed != null ? 1 : KERNEL_MIN_ROWS) && rows <= KERNEL_ROWS
                && x.getDataType() == DataType.FLOAT32 && !x.hasGradient() && (weight == null || !weight.hasGradient())) {
            float[] y = multiply(x.toFloatArray(), (int) rows);
            long[] dims = shape.getShape().clone(); // getShape() is the shape's own array
            dims[dims.length - 1] = y.length / rows;
            return x.getManager().create(y, new Shape(dims));
        }
        if (packed != null && widened != null && !x.hasGradient()) {
            return widened.apply(packed, x, bias);
        }
        return linear(x, weight != null ? weight : packed.widen(x.getManager()), bias);
    }

    /** x·wᵀ (+ bias) through PyTorch. */
    static NDArray linear(NDArray x, NDArray w, NDArray bias) {
        return (bias == null ? Linear.linear(x, w) : Linear.linear(x, w, bias)).singletonOrThrow();
    }

    /**
     * x [rows, in] → [rows, out] through {@link VectorKernel}, each group's rows plus scale·B·(A·x) where its
     * adapter adapts this weight; a group's rows go through its factors together. Only where {@link #kernel()} holds.
     */
    float[] multiply(float[] x, int rows, List<Adapter.KernelGroup> adapters) {
        float[] y = multiply(x, rows);
        for (Adapter.KernelGroup group : adapters) {
            Adapter.KernelFactors factors = group.factors().get(name);
            if (factors == null) {
                continue;
            }
            int[] members = group.rows();
            // A group of every row (one sequence, or a batch with one adapter) takes x as it is.
            float[] input = members.length == rows ? x : new float[members.length * in];
            if (input != x) {
                for (int m = 0; m < members.length; m++) {
                    System.arraycopy(x, members[m] * in, input, m * in, in);
                }
            }
            int rank = factors.rank();
            float[] low = VectorKernel.instance().multiply(factors.a(), null, rank, in, input, members.length);
            for (int m = 0; m < members.length; m++) {
                VectorKernel.addWeightedRows(low, m * rank, rank, factors.scaledBTransposed(), out, y, members[m] * out);
            }
        }
        return y;
    }

    /** x [rows, in] → [rows, out] through {@link VectorKernel}; only where {@link #kernel()} holds. */
    float[] multiply(float[] x, int rows) {
        return VectorKernel.instance().multiply(weightMemory, element, scales, biasMemory, out, in, x, rows);
    }

    /** Whether {@link VectorKernel} is on for this JVM: off without the Vector API or with -Dmondrian.kernel=torch. */
    static boolean kernelEnabled() {
        return !"torch".equals(System.getProperty("mondrian.kernel"))
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }
}
