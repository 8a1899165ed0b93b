package dev.mondrian.runner.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes test weights as a real .safetensors file in F32, F16 or BF16. */
public final class SafeTensorsWriter {
    public enum DType { F32, F16, BF16 }

    private record Tensor(int[] shape, float[] values) {}

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    SafeTensorsWriter add(String name, int[] shape, float[] values) {
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

    void write(Path file, DType dtype) throws IOException {
        int width = dtype == DType.F32 ? 4 : 2;
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            long bytes = (long) e.getValue().values().length * width;
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
        ByteBuffer out = ByteBuffer.allocate((int) (8 + json.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json);
        for (Tensor t : tensors.values()) {
            for (float v : t.values()) {
                switch (dtype) {
                    case F32 -> out.putFloat(v);
                    case F16 -> out.putShort(Float.floatToFloat16(v));
                    case BF16 -> out.putShort(bf16(v));
                }
            }
        }
        Files.write(file, out.array());
    }

    /** Round to nearest even on the upper 16 bits, as PyTorch converts float32 to bfloat16. */
    private static short bf16(float v) {
        int bits = Float.floatToIntBits(v);
        int rounding = 0x7FFF + ((bits >> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
