package dev.mondrian.runner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.foreign.MemorySegment;

/**
 * A matrix [rows, columns] on the CPU in fewer bytes than float32: BF16 as a checkpoint stores it (2 bytes a
 * value), or 8-bit integers with one float32 scale per row (1 byte a value, {@code --weights int8}). DJL's
 * PyTorch JNI can make neither a BF16 tensor nor use an int8 one in a product (docs/MODELS.md, "Memory"), so the
 * values live in a byte tensor (PyTorch's memory, freed with the model's manager) that no PyTorch operation reads:
 * {@link VectorKernel} reads them in place for decode steps, and an operation that needs the weight in PyTorch
 * gets it widened to float32 for the moment ({@link #widen}).
 *
 * @param bytes  the byte tensor that owns the values
 * @param values its memory, row-major
 * @param scales INT8's float32 tensor [rows] (value = integer × its row's scale); null for BF16
 */
record PackedMatrix(VectorKernel.Element element, NDArray bytes, MemorySegment values, NDArray scales, long rows,
                    long columns) {
    /** A matrix to be filled through {@link #values()} (and, for INT8, {@link #scaleMemory()}). */
    static PackedMatrix allocate(NDManager cpu, VectorKernel.Element element, long rows, long columns) {
        NDArray bytes = cpu.create(new Shape(rows * columns * element.bytes()), DataType.UINT8);
        NDArray scales = element == VectorKernel.Element.INT8 ? cpu.create(new Shape(rows), DataType.FLOAT32) : null;
        return new PackedMatrix(element, bytes, MemorySegment.ofBuffer(bytes.toByteBuffer(true)), scales, rows, columns);
    }

    Shape shape() {
        return new Shape(rows, columns);
    }

    /** INT8's per-row scales as memory; null for BF16. */
    MemorySegment scaleMemory() {
        return scales == null ? null : VectorKernel.inPlace(scales);
    }

    /** The whole matrix as a float32 tensor in {@code scope}, for one PyTorch operation. */
    NDArray widen(NDManager scope) {
        NDArray floats = scope.create(shape(), DataType.FLOAT32);
        widenRows(0, rows, VectorKernel.inPlace(floats));
        return floats;
    }

    /** Rows {@code first} to {@code first + count} widened into {@code floats}: float32 memory of their size at least. */
    void widenRows(long first, long count, MemorySegment floats) {
        VectorKernel.widen(element, values, scaleMemory(), first, count, columns, floats);
    }

    /** Rows {@code ids} as a float32 tensor [ids, columns] in {@code scope}: an embedding lookup. */
    NDArray rows(NDManager scope, long[] ids) {
        NDArray floats = scope.create(new Shape(ids.length, columns), DataType.FLOAT32);
        MemorySegment target = VectorKernel.inPlace(floats);
        MemorySegment scaleMemory = scaleMemory();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= rows) {
                floats.close();
                throw new IndexOutOfBoundsException("token id " + ids[i] + " outside the vocabulary of " + rows);
            }
            VectorKernel.widen(element, values, scaleMemory, ids[i], 1, columns,
                    target.asSlice(i * columns * Float.BYTES));
        }
        return floats;
    }
}
