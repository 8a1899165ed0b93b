package dev.mondrian.runner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Float32 copies of a decoder's packed layer matrices for PyTorch's operations (prefill, large batches): one
 * reusable tensor per shape (a decoder's layers have four or five), widened into for each operation. A fresh
 * tensor per operation would have a prefill allocate and free a whole layer's weights in float32 over and over,
 * and the allocator keeps much of that memory: on Qwen2.5-0.5B, 250 MB more at the peak.
 */
final class WidenedWeights {
    private final NDManager manager;
    private final Map<Shape, NDArray> byShape = new HashMap<>();

    WidenedWeights(NDManager manager) {
        this.manager = manager;
    }

    /**
     * {@code use} applied to {@code matrix} widened; the tensor is reused once it returns, so it must not keep it
     * (an operation under autograd would: give such one its own copy, {@link PackedMatrix#widen}).
     */
    synchronized NDArray apply(PackedMatrix matrix, Function<NDArray, NDArray> use) {
        NDArray floats = byShape.computeIfAbsent(matrix.shape(), shape -> {
            NDArray made = manager.create(shape, DataType.FLOAT32);
            NDScope.unregister(made); // kept for the decoder's life, not the scope of the layer that first needs it
            return made;
        });
        matrix.widenInto(floats);
        return use.apply(floats);
    }
}
