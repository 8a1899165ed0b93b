package dev.mondrian.runner.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.mondrian.progress.ProgressLine;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Every tensor of a model folder, loaded once into the compute dtype on the model's device and
 * addressed by canonical Hugging Face names (a family's several saved layouts are mapped onto one,
 * {@link Architecture#renames()}). A load that takes a while says how far it got on stderr
 * ({@link ProgressLine}).
 */
public final class Weights {
    /** Bytes read from a file per call; small, since tensors are filled piece by piece. */
    private static final int CHUNK = 4 << 20;

    private final Map<String, NDArray> tensors;
    private final Map<String, PackedMatrix> packed;

    private Weights(Map<String, NDArray> tensors, Map<String, PackedMatrix> packed) {
        this.tensors = tensors;
        this.packed = packed;
    }

    /**
     * Loads every {@code *.safetensors} file of the folder (all shards) into {@code manager}.
     *
     * @param renames  saved name prefixes and the canonical prefixes they are stored under
     * @param format   how the matrices {@code packable} names are held on a CPU: packed ({@link PackedMatrix}) as
     *                 BF16 where the file stores BF16 ({@link WeightFormat#STORED}) or as INT8, or as tensors;
     *                 every other tensor is converted to {@code computeType}
     */
    public static Weights load(Path folder, NDManager manager, DataType computeType, Map<String, String> renames,
                               WeightFormat format, Predicate<String> packable) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException(folder + " has no *.safetensors weights");
        }
        List<SafeTensors> shards = new ArrayList<>();
        long bytes = 0;
        for (Path file : files) {
            SafeTensors st = SafeTensors.open(file);
            shards.add(st);
            bytes += st.entries().values().stream().mapToLong(e -> e.end() - e.begin()).sum();
        }
        Map<String, NDArray> tensors = new HashMap<>();
        Map<String, PackedMatrix> packed = new HashMap<>();
        // Tensors are filled on the CPU, in PyTorch's own memory, then moved and converted as the device wants.
        try (NDManager staging = manager.getDevice().isGpu() ? NDManager.newBaseManager(Device.cpu()) : null;
             ProgressLine progress = ProgressLine.start("loading " + folder.getFileName(), bytes, "MB", 1_000_000)) {
            NDManager cpu = staging == null ? manager : staging;
            ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
            for (SafeTensors st : shards) {
                for (SafeTensors.Entry entry : st.entries().values()) {
                    String name = canonical(entry.name(), renames);
                    if (tensors.containsKey(name) || packed.containsKey(name)) {
                        throw new IOException("tensor " + entry.name() + " appears twice in " + folder);
                    }
                    VectorKernel.Element element = staging != null || entry.shape().length != 2
                            || !packable.test(name) ? null : switch (format) {
                                case STORED -> entry.dtype().equals("BF16") ? VectorKernel.Element.BF16 : null;
                                case INT8 -> VectorKernel.Element.INT8;
                                case F32 -> null;
                            };
                    if (element != null) {
                        packed.put(name, pack(cpu, st, entry, chunk, element));
                    } else {
                        tensors.put(name, place(toArray(cpu, st, entry, chunk), manager, computeType));
                    }
                    progress.add(entry.end() - entry.begin());
                }
            }
        }
        return new Weights(tensors, packed);
    }

    public NDArray get(String name) {
        NDArray array = tensors.get(name);
        if (array == null) {
            throw new IllegalArgumentException(packed.containsKey(name)
                    ? "tensor " + name + " is held packed (Weights.packed), not as a tensor"
                    : "the model has no tensor " + name);
        }
        return array;
    }

    /**
     * Every tensor by canonical name: what training updates and saves. A model with packed matrices has no such
     * map (training computes in float32 throughout).
     */
    public Map<String, NDArray> all() {
        if (!packed.isEmpty()) {
            throw new IllegalStateException("this model holds " + packed.size()
                    + " matrices packed (BF16 or INT8); load it with --weights f32 to train it");
        }
        return Collections.unmodifiableMap(tensors);
    }

    public Optional<NDArray> optional(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** A matrix held packed, or empty when it is an ordinary tensor or absent. */
    Optional<PackedMatrix> packed(String name) {
        return Optional.ofNullable(packed.get(name));
    }

    /** A weight's shape, however it is held; empty when the model has no such weight. */
    public Optional<Shape> shape(String name) {
        return packed(name).map(PackedMatrix::shape).or(() -> optional(name).map(NDArray::getShape));
    }

    static String canonical(String name, Map<String, String> renames) {
        for (Map.Entry<String, String> rename : renames.entrySet()) {
            if (name.startsWith(rename.getKey())) {
                return rename.getValue() + name.substring(rename.getKey().length());
            }
        }
        return name;
    }

    /**
     * A CPU tensor holding the entry's values, read from the file straight into the tensor's memory
     * (no Java buffer the size of a tensor, so no -XX:MaxDirectMemorySize limit on model size).
     * Read rather than memory-mapped: weights in anonymous memory decode about 25% faster than the
     * same weights left in mapped file pages.
     */
    private static NDArray toArray(NDManager cpu, SafeTensors st, SafeTensors.Entry entry, ByteBuffer chunk)
            throws IOException {
        Shape shape = new Shape(entry.shape());
        NDArray array = switch (entry.dtype()) {
            case "F32" -> cpu.create(shape, DataType.FLOAT32);
            case "F16" -> cpu.create(shape, DataType.FLOAT16);
            // DJL's PyTorch JNI aborts the process on any BF16 tensor (its dtype table lacks BF16; MODELS.md), so BF16
            // is widened to F32 here: exact, since BF16 is the top half of an F32.
            case "BF16" -> cpu.create(shape, DataType.FLOAT32);
            default -> throw new IOException("tensor " + entry.name() + " has dtype " + entry.dtype()
                    + "; weights must be F32, F16 or BF16");
        };
        // A view of the tensor's own memory (native order; safetensors is little-endian, as every host we run on).
        ByteBuffer memory = array.toByteBuffer(true).order(ByteOrder.nativeOrder());
        if (entry.dtype().equals("BF16")) {
            st.read(entry, chunk, part -> {
                while (part.remaining() >= 2) {
                    memory.putInt((part.getShort() & 0xFFFF) << 16);
                }
            });
        } else {
            st.read(entry, chunk, memory::put);
        }
        return array;
    }

    /**
     * The entry's values in a {@link PackedMatrix}: BF16 copied as the file stores them, or INT8 quantized row by
     * row as they stream in (scale = the row's largest magnitude / 127, values rounded to the nearest step).
     */
    private static PackedMatrix pack(NDManager cpu, SafeTensors st, SafeTensors.Entry entry, ByteBuffer chunk,
                                     VectorKernel.Element element) throws IOException {
        long rows = entry.shape()[0];
        int columns = (int) entry.shape()[1];
        PackedMatrix matrix = PackedMatrix.allocate(cpu, element, rows, columns);
        ByteBuffer values = matrix.values().asByteBuffer();
        if (element == VectorKernel.Element.BF16) {
            st.read(entry, chunk, values::put);
            return matrix;
        }
        MemorySegment scales = matrix.scaleMemory();
        float[] row = new float[columns];
        int[] filled = {0};
        long[] done = {0};
        st.readFloats(entry, chunk, value -> {
            row[filled[0]++] = value;
            if (filled[0] == columns) {
                float max = 0;
                for (float v : row) {
                    max = Math.max(max, Math.abs(v));
                }
                float scale = max / 127;
                for (float v : row) {
                    values.put(scale == 0 ? 0 : (byte) Math.round(v / scale));
                }
                scales.setAtIndex(ValueLayout.JAVA_FLOAT, done[0]++, scale);
                filled[0] = 0;
            }
        });
        return matrix;
    }

    /** The tensor on the model's device in the compute type; the CPU original is released when a copy was made. */
    private static NDArray place(NDArray array, NDManager manager, DataType target) {
        if (array.getDevice().equals(manager.getDevice()) && array.getDataType() == target) {
            return array;
        }
        NDArray placed = array.toDevice(manager.getDevice(), false).toType(target, false);
        placed.attach(manager);
        array.close();
        return placed;
    }
}
