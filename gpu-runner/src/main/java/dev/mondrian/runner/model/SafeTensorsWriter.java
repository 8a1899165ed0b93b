package dev.mondrian.runner.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes weights as a .safetensors file in F32, F16 or BF16: the trained model's, and tests' random
 * ones. Values are asked for one tensor at a time while writing, so a checkpoint of a real model's
 * size never sits in memory whole.
 */
public final class SafeTensorsWriter {
    public enum DType { F32, F16, BF16 }

    private record Tensor(int[] shape, Supplier<float[]> values) {
        long elements() {
            return Arrays.stream(shape).asLongStream().reduce(1, Math::multiplyExact);
        }
    }

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    public SafeTensorsWriter add(String name, int[] shape, float[] values) {
        return add(name, shape, () -> values);
    }

    public SafeTensorsWriter add(String name, int[] shape, Supplier<float[]> values) {
        tensors.put(name, new Tensor(shape, values));
        return this;
    }

    /** The value as it reads back after being stored in {@code dtype}. */
    static float stored(float v, DType dtype) {
        return switch (dtype) {
            case F32 -> v;
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(v));
            case BF16 -> Float.intBitsToFloat((bf16(v) & 0xFFFF) << 16);
        };
    }

    public void write(Path file, DType dtype) throws IOException {
        int width = dtype == DType.F32 ? 4 : 2;
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            long bytes = e.getValue().elements() * width;
            StringBuilder shape = new StringBuilder();
            for (int d : e.getValue().shape()) {
                shape.append(shape.isEmpty() ? "" : ",").append(d);
            }
            header.append(",\"").append(e.getKey()).append("\":{\"dtype\":\"").append(dtype).append("\",\"shape\":[")
                    .append(shape).append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        while ((8 + header.length()) % 8 != 0) {
            header.append(' ');
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            buffer.putLong(json.length).put(json);
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                float[] values = e.getValue().values().get();
                if (values.length != e.getValue().elements()) {
                    throw new IllegalArgumentException(e.getKey() + ": " + values.length + " values for shape "
                            + Arrays.toString(e.getValue().shape()));
                }
                for (float v : values) {
                    if (buffer.remaining() < 4) {
                        drain(buffer, out);
                    }
                    switch (dtype) {
                        case F32 -> buffer.putFloat(v);
                        case F16 -> buffer.putShort(Float.floatToFloat16(v));
                        case BF16 -> buffer.putShort(bf16(v));
                    }
                }
            }
            drain(buffer, out);
        }
    }

    private static void drain(ByteBuffer buffer, FileChannel out) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
        buffer.clear();
    }

    /** Round to nearest even on the upper 16 bits, as PyTorch converts float32 to bfloat16. */
    private static short bf16(float v) {
        int bits = Float.floatToIntBits(v);
        int rounding = 0x7FFF + ((bits >> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
