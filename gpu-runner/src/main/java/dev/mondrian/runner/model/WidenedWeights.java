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
import java.util.function.Function;

/**
 * Float32 copies of a decoder's packed layer matrices for PyTorch's operations (prefill, large batches): one
 * reusable buffer, as large as the largest matrix, widened into for each operation and seen by PyTorch through one
 * view per shape. A fresh tensor per operation would have a prefill allocate and free a whole layer's weights in
 * float32 over and over, and the allocator keeps much of that memory: on Qwen2.5-0.5B, 250 MB more at the peak; a
 * tensor per shape held 38.5 MB there, the one buffer 17.4 MB (docs/BENCHMARKS.md, issue 21).
 */
final class WidenedWeights {
    private final NDManager manager;
    private NDArray buffer;
    private MemorySegment memory;
    private final Map<Shape, NDArray> views = new HashMap<>();

    WidenedWeights(NDManager manager) {
        this.manager = manager;
    }

    /**
     * {@code use} applied to {@code matrix} widened; the buffer is reused once it returns, so it must not keep it
     * (an operation under autograd would: give such one its own copy, {@link PackedMatrix#widen}).
     */
    synchronized NDArray apply(PackedMatrix matrix, Function<NDArray, NDArray> use) {
        long elements = matrix.rows() * matrix.columns();
        if (buffer == null || buffer.size() < elements) {
            grow(elements);
        }
        NDArray floats = views.computeIfAbsent(matrix.shape(), shape -> kept(buffer.get(new NDIndex(":{}", elements))
                .reshape(shape)));
        matrix.widenInto(memory);
        return use.apply(floats);
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
