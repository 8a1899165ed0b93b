package dev.mondrian.runner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
 * addressed by canonical Hugging Face names (LLaVA's two saved layouts are mapped onto one).
 */
public final class Weights {
    private static final List<String[]> RENAMES = List.of(
            new String[] {"model.language_model.", "model."},
            new String[] {"language_model.model.", "model."},
            new String[] {"language_model.lm_head.", "lm_head."},
            new String[] {"model.vision_tower.", "vision_tower."},
            new String[] {"model.multi_modal_projector.", "multi_modal_projector."});

    private final Map<String, NDArray> tensors;
    private Weights(Map<String, NDArray> tensors) {
        this.tensors = tensors;
    }

    /** Loads every {@code *.safetensors} file of the folder (all shards) into {@code manager}. */
    public static Weights load(Path folder, NDManager manager, DataType computeType) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException(folder + " has no *.safetensors weights");
        }
        List<SafeTensors> shards = new ArrayList<>();
        for (Path file : files) {
            shards.add(SafeTensors.open(file));
        }
        // One buffer serves every tensor whose bytes the engine copies anyway (converted or sent to a GPU).
        int largest = shards.stream().flatMap(st -> st.entries().values().stream())
                .mapToInt(SafeTensors.Entry::bytes).max().orElse(0);
        ByteBuffer scratch = ByteBuffer.allocateDirect(largest);
        Map<String, NDArray> tensors = new HashMap<>();
        for (SafeTensors st : shards) {
            for (SafeTensors.Entry entry : st.entries().values()) {
                NDArray array = toArray(manager, st, entry, computeType, scratch);
                if (tensors.put(canonical(entry.name()), array) != null) {
                    throw new IOException("tensor " + entry.name() + " appears twice in " + folder);
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

    public Optional<NDArray> optional(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    static String canonical(String name) {
        for (String[] rename : RENAMES) {
            if (name.startsWith(rename[0])) {
                return rename[1] + name.substring(rename[0].length());
            }
        }
        return name;
    }

    private static NDArray toArray(NDManager manager, SafeTensors st, SafeTensors.Entry entry, DataType target,
                                   ByteBuffer scratch) throws IOException {
        Shape shape = new Shape(entry.shape());
        NDArray array = switch (entry.dtype()) {
            case "F32" -> manager.create(st.read(entry, own(manager, "F32", target, entry, scratch)), shape, DataType.FLOAT32);
            case "F16" -> manager.create(st.read(entry, own(manager, "F16", target, entry, scratch)), shape, DataType.FLOAT16);
            // DJL's PyTorch JNI aborts the process on BF16 tensors (0.33 and 0.36 alike), so BF16
            // is widened to F32 here: exact, since BF16 is the top half of an F32.
            case "BF16" -> manager.create(widenBf16(st.read(entry, scratch)), shape, DataType.FLOAT32);
            default -> throw new IOException("tensor " + entry.name() + " has dtype " + entry.dtype()
                    + "; weights must be F32, F16 or BF16");
        };
        if (array.getDataType() == target) {
            return array;
        }
        NDArray converted = array.toType(target, false);
        array.close();
        return converted;
    }

    /**
     * Where to read a tensor: on the CPU, a tensor made from a direct buffer lives in that buffer
     * (DJL does not copy it), so one kept as it is read needs a buffer of its own; every other
     * tensor is copied on creation or conversion and can pass through the shared scratch buffer.
     */
    private static ByteBuffer own(NDManager manager, String fileType, DataType target, SafeTensors.Entry entry,
                                  ByteBuffer scratch) {
        boolean kept = !manager.getDevice().isGpu() && DataType.fromSafetensors(fileType) == target;
        return kept ? ByteBuffer.allocateDirect(entry.bytes()) : scratch;
    }

    private static ByteBuffer widenBf16(ByteBuffer bf16) {
        int n = bf16.remaining() / 2;
        ByteBuffer out = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
            out.putInt((bf16.getShort(i * 2) & 0xFFFF) << 16);
        }
        return out.flip();
    }
}
