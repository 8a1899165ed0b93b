package dev.mondrian.runner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A linear layer: x·Wᵀ (+ b) over the last axis of x, for W [out, in]. Batched decode steps (a row per
 * sequence) on a CPU go through {@link VectorKernel}, which reads the weight where PyTorch holds it;
 * everything else (one sequence, prefill, GPUs, half precision, training) through PyTorch.
 * The kernel needs the {@code jdk.incubator.vector} module ({@code --add-modules jdk.incubator.vector},
 * as the runner's launchers pass); without it, or with {@code -Dmondrian.kernel=torch}, PyTorch does all.
 */
public final class Projection {
    /**
     * Rows the kernel takes: a batched decode step's. One row (a single sequence) PyTorch's
     * matrix-vector path does as fast, and from about 16 rows on (large batches, prefill) its GEMM
     * does as fast or faster (docs/BENCHMARKS.md).
     */
    static final int KERNEL_MIN_ROWS = 2;
    static final int KERNEL_ROWS = 8;
    private static final boolean KERNEL = kernelEnabled();

    private final String name;
    private final NDArray weight;
    private final NDArray bias;
    private final MemorySegment weightMemory;
    private final MemorySegment biasMemory;

    /** @param name the weight's canonical name, by which an {@link Adapter} finds its factors for it */
    Projection(String name, NDArray weight, NDArray bias) {
        this.name = name;
        this.weight = weight;
        this.bias = bias;
        boolean inPlace = KERNEL && readable(weight) && (bias == null || readable(bias));
        this.weightMemory = inPlace ? memory(weight) : null;
        this.biasMemory = inPlace && bias != null ? memory(bias) : null;
    }

    public NDArray weight() {
        return weight;
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
        if (weightMemory != null && rows >= KERNEL_MIN_ROWS && rows <= KERNEL_ROWS && x.getDataType() == DataType.FLOAT32
                && !x.hasGradient() && !weight.hasGradient()) {
            int out = (int) weight.getShape().get(0);
            float[] y = VectorKernel.instance().multiply(weightMemory, biasMemory, out, in, x.toFloatArray(),
                    (int) rows);
            long[] dims = shape.getShape().clone(); // getShape() is the shape's own array
            dims[dims.length - 1] = out;
            return x.getManager().create(y, new Shape(dims));
        }
        return (bias == null ? Linear.linear(x, weight) : Linear.linear(x, weight, bias)).singletonOrThrow();
    }

    /** A contiguous F32 tensor in CPU memory, whose memory can be read in place. */
    private static boolean readable(NDArray array) {
        return !array.getDevice().isGpu() && array.getDataType() == DataType.FLOAT32 && memory(array) != null;
    }

    private static MemorySegment memory(NDArray array) {
        ByteBuffer view = array.toByteBuffer(true);
        return view.isDirect() && view.capacity() == array.size() * Float.BYTES ? MemorySegment.ofBuffer(view) : null;
    }

    private static boolean kernelEnabled() {
        return !"torch".equals(System.getProperty("mondrian.kernel"))
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }
}
