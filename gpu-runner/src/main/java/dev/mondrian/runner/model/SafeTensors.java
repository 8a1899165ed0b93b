package dev.mondrian.runner.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads one {@code .safetensors} file: an 8-byte little-endian header length, a JSON header
 * naming each tensor's dtype, shape and byte range, then the raw data. Tensors are read piece by
 * piece, so a file of any size loads.
 */
public final class SafeTensors {
    /** One tensor's place in the file. */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    private final Path file;
    private final long dataStart;
    private final Map<String, Entry> entries;

    private SafeTensors(Path file, long dataStart, Map<String, Entry> entries) {
        this.file = file;
        this.dataStart = dataStart;
        this.entries = entries;
    }

    public static SafeTensors open(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > channel.size()) {
                throw new IOException(file + " is not a safetensors file (header length " + headerLength + ")");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8);
            JsonNode root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
            Map<String, Entry> entries = new LinkedHashMap<>();
            long dataSize = channel.size() - 8 - headerLength;
            for (Map.Entry<String, JsonNode> field : root.properties()) {
                if (field.getKey().equals("__metadata__")) {
                    continue;
                }
                Entry entry = entry(field.getKey(), field.getValue());
                if (entry.begin() < 0 || entry.end() > dataSize || entry.end() - entry.begin() != entry.elements() * bytesPer(entry.dtype())) {
                    throw new IOException(file + ": tensor " + entry.name() + " has a byte range that does not match its shape");
                }
                entries.put(entry.name(), entry);
            }
            return new SafeTensors(file, 8 + headerLength, entries);
        }
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    public Path file() {
        return file;
    }

    /** Hands the tensor's bytes to {@code sink} in pieces of at most {@code chunk}'s capacity, little-endian, in order. */
    public void read(Entry entry, ByteBuffer chunk, Consumer<ByteBuffer> sink) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long position = dataStart + entry.begin();
            long end = dataStart + entry.end();
            while (position < end) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), end - position));
                readFully(channel, chunk, position);
                position += chunk.position();
                sink.accept(chunk.flip().order(ByteOrder.LITTLE_ENDIAN));
            }
        }
    }

    /** Receives a float tensor's values one by one, in order. */
    @FunctionalInterface
    public interface FloatSink {
        void accept(float value);
    }

    /** A float tensor's values, flattened, widened to float from F16 or BF16; for tensors small enough for an array. */
    public float[] floats(Entry entry) throws IOException {
        float[] values = new float[Math.toIntExact(entry.elements())];
        int[] filled = {0};
        readFloats(entry, ByteBuffer.allocate(1 << 16), value -> values[filled[0]++] = value);
        if (filled[0] != values.length) {
            throw new IOException("tensor " + entry.name() + " ended after " + filled[0] + " of " + values.length + " values");
        }
        return values;
    }

    /**
     * A float tensor's values, in order, widened to float from F16 or BF16, into {@code sink}, read through
     * {@code chunk} (its capacity a multiple of 4 bytes, so no value straddles two pieces): for tensors of any size.
     */
    public void readFloats(Entry entry, ByteBuffer chunk, FloatSink sink) throws IOException {
        int size = bytesPer(entry.dtype());
        if (!List.of("F32", "F16", "BF16").contains(entry.dtype())) {
            throw new IOException("tensor " + entry.name() + " has dtype " + entry.dtype() + "; expected F32, F16 or BF16");
        }
        read(entry, chunk, piece -> {
            while (piece.remaining() >= size) {
                sink.accept(switch (entry.dtype()) {
                    case "F32" -> piece.getFloat();
                    case "F16" -> Float.float16ToFloat(piece.getShort());
                    default -> Float.intBitsToFloat((piece.getShort() & 0xFFFF) << 16);
                });
            }
        });
    }

    static int bytesPer(String dtype) {
        return switch (dtype) {
            case "F32", "I32" -> 4;
            case "F16", "BF16", "I16" -> 2;
            case "F64", "I64" -> 8;
            case "U8", "I8", "BOOL" -> 1;
            default -> throw new IllegalArgumentException("unsupported safetensors dtype " + dtype);
        };
    }

    private static Entry entry(String name, JsonNode node) throws IOException {
        JsonNode shape = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (node.get("dtype") == null || shape == null || offsets == null || offsets.size() != 2) {
            throw new IOException("tensor " + name + " lacks dtype, shape or data_offsets");
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i).asLong();
        }
        return new Entry(name, node.get("dtype").asString(), dims, offsets.get(0).asLong(), offsets.get(1).asLong());
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }
}
