package dev.mondrian.runner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * Float32 copies of a decoder's packed layer matrices for PyTorch's operations (prefill, large batches): one
 * reusable buffer of at most {@link #BLOCK} floats, into which a matrix is widened a block of rows at a time, each
 * block's product written into its columns of the result. A fresh tensor per operation would have a prefill
 * allocate and free a whole layer's weights in float32 over and over, and the allocator keeps much of that memory
 * (on Qwen2.5-0.5B, 250 MB more at the peak); a buffer as large as the largest matrix held 17.4 MB there and would
 * hold 95 MB for a 4B model's MLP (docs/BENCHMARKS.md, issue 21).
 */
final class WidenedWeights {
    /** Floats in the buffer at most (4 MiB): a block of rows this size still makes a full-speed matrix product. */
    static final long BLOCK = 1 << 20;

    private final NDManager manager;
    private final long block;
    private NDArray buffer;
    private MemorySegment memory;
    private final Map<Shape, NDArray> views = new HashMap<>();

    WidenedWeights(NDManager manager) {
        this(manager, BLOCK);
    }

    /** @param block floats in the buffer at most */
    WidenedWeights(NDManager manager, long block) {
        this.manager = manager;
        this.block = block;
    }

    /**
     * x [..., columns] · {@code matrix}ᵀ (+ {@code bias}) → [..., rows], one {@link Projection#linear} for each
     * block of rows widened (with that block's part of the bias). The buffer is reused once a product returns, so
     * the result must not keep it (an operation under autograd would: give such one its own copy,
     * {@link PackedMatrix#widen}).
     */
    synchronized NDArray apply(PackedMatrix matrix, NDArray x, NDArray bias) {
        long columns = matrix.columns();
        long blockRows = Math.min(matrix.rows(), Math.max(1, block / columns));
        if (buffer == null || buffer.size() < blockRows * columns) {
            grow(blockRows * columns);
        }
        if (blockRows == matrix.rows()) {
            matrix.widenRows(0, blockRows, memory);
            return Projection.linear(x, view(blockRows, columns), bias);
        }
        Shape in = x.getShape();
        long[] dims = in.getShape().clone(); // getShape() is the shape's own array
        dims[dims.length - 1] = matrix.rows();
        NDArray y = x.getManager().create(new Shape(dims), x.getDataType());
        for (long first = 0; first < matrix.rows(); first += blockRows) {
            long count = Math.min(blockRows, matrix.rows() - first);
            matrix.widenRows(first, count, memory);
            NDIndex columnsOfY = new NDIndex("..., {}:{}", first, first + count);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray part = bias == null ? null : bias.get(new NDIndex("{}:{}", first, first + count));
                y.set(columnsOfY, Projection.linear(x, view(count, columns), part));
            }
        }
        return y;
    }

    /** The buffer's first rows × columns floats as a [rows, columns] tensor. */
    private NDArray view(long rows, long columns) {
        return views.computeIfAbsent(new Shape(rows, columns),
                shape -> kept(buffer.get(new NDIndex(":{}", rows * columns)).reshape(shape)));
    }

    /** A buffer of {@code elements} floats in place of the one before, whose views go with it. */
    private void grow(long elements) {
        views.values().forEach(NDArray::close);
        views.clear();
        if (buffer != null) {
            buffer.close();
        }
        buffer = kept(manager.create(new Shape(elements), DataType.FLOAT32));
        memory = VectorKernel.inPlace(buffer);
    }

    /** Kept for the decoder's life, not the scope of the layer that first needs it. */
    private static NDArray kept(NDArray array) {
        NDScope.unregister(array);
        return array;
    }
}
