package dev.mondrian.runner.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.mondrian.progress.ProgressLine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private Weights(Map<String, NDArray> tensors) {
        this.tensors = tensors;
    }

    /**
     * Loads every {@code *.safetensors} file of the folder (all shards) into {@code manager}.
     *
     * @param renames saved name prefixes and the canonical prefixes they are stored under
     */
    public static Weights load(Path folder, NDManager manager, DataType computeType, Map<String, String> renames)
            throws IOException {
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
        // Tensors are filled on the CPU, in PyTorch's own memory, then moved and converted as the device wants.
        try (NDManager staging = manager.getDevice().isGpu() ? NDManager.newBaseManager(Device.cpu()) : null;
             ProgressLine progress = ProgressLine.start("loading " + folder.getFileName(), bytes, "MB", 1_000_000)) {
            NDManager cpu = staging == null ? manager : staging;
            ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
            for (SafeTensors st : shards) {
                for (SafeTensors.Entry entry : st.entries().values()) {
                    NDArray array = toArray(cpu, st, entry, chunk);
                    NDArray placed = place(array, manager, computeType);
                    if (tensors.put(canonical(entry.name(), renames), placed) != null) {
                        throw new IOException("tensor " + entry.name() + " appears twice in " + folder);
                    }
                    progress.add(entry.end() - entry.begin());
                }
            }
        }
        return new Weights(tensors);
    }

    public NDArray get(String name) {
        NDArray array = tensors.get(name);
        if (array == null) {
            throw new IllegalArgumentException("the model has no tensor " + name);
        }
        return array;
    }

    /** Every tensor by canonical name: what training updates and saves. */
    public Map<String, NDArray> all() {
        return java.util.Collections.unmodifiableMap(tensors);
    }

    public Optional<NDArray> optional(String name) {
        return Optional.ofNullable(tensors.get(name));
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
