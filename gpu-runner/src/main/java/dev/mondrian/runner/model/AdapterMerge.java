package dev.mondrian.runner.model;

import dev.mondrian.progress.ProgressLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A model folder with a LoRA adapter merged in: W' = W + scale·B·A for every adapted weight, stored in
 * the base's dtype, every other file of the base copied unchanged. Works on any module the adapter
 * names, vision towers included, a tensor at a time, so a model of any size merges in little memory.
 */
public final class AdapterMerge {
    private AdapterMerge() {}

    /** @return the names of the merged weights */
    public static List<String> merge(Path base, Path adapterFolder, Path out) throws IOException {
        if (Files.exists(out) && (!Files.isDirectory(out) || hasFiles(out))) {
            throw new IllegalArgumentException(out + " exists and is not empty; merge into a new folder");
        }
        ModelConfig config = ModelConfig.read(base);
        AdapterConfig adapter = AdapterConfig.read(adapterFolder);
        Map<String, float[][]> pairs = new HashMap<>();
        Map<String, long[][]> shapes = new HashMap<>();
        Adapter.readPairs(adapterFolder, pairs, shapes);
        Map<String, String> moduleOf = new HashMap<>();
        for (String module : pairs.keySet()) {
            moduleOf.put(Adapter.weightName(module, config), module);
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(base)) {
            files = list.sorted().toList();
        }
        Files.createDirectories(out);
        Set<String> merged = new HashSet<>();
        try (ProgressLine progress = ProgressLine.start("merging " + adapterFolder.getFileName(), files.size(), "files")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".safetensors")) {
                    mergeShard(SafeTensors.open(file), out.resolve(name), config, adapter, pairs, shapes, moduleOf,
                            merged);
                } else if (Files.isRegularFile(file)) {
                    Files.copy(file, out.resolve(name));
                }
                progress.add(1);
            }
        }
        Set<String> missing = new HashSet<>(moduleOf.keySet());
        missing.removeAll(merged);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("adapter " + adapterFolder + " does not fit " + base + ": the base has no "
                    + "weight for " + missing.stream().sorted().map(moduleOf::get).toList() + " (" + out
                    + " is incomplete; delete it)");
        }
        return merged.stream().sorted().toList();
    }

    private static void mergeShard(SafeTensors shard, Path target, ModelConfig config, AdapterConfig adapter,
                                   Map<String, float[][]> pairs, Map<String, long[][]> shapes,
                                   Map<String, String> moduleOf, Set<String> merged) throws IOException {
        Set<String> dtypes = new HashSet<>();
        shard.entries().values().forEach(e -> dtypes.add(e.dtype()));
        if (dtypes.size() != 1 || !List.of("F32", "F16", "BF16").contains(dtypes.iterator().next())) {
            throw new IllegalArgumentException(shard.file() + " holds tensors of " + dtypes
                    + "; merging needs one of F32, F16 or BF16 per file");
        }
        SafeTensorsWriter writer = new SafeTensorsWriter();
        for (SafeTensors.Entry entry : shard.entries().values()) {
            int[] shape = Arrays.stream(entry.shape()).mapToInt(Math::toIntExact).toArray();
            String module = moduleOf.get(Weights.canonical(entry.name(), config.family().renames()));
            if (module == null) {
                writer.add(entry.name(), shape, () -> read(shard, entry));
                continue;
            }
            long[] a = shapes.get(module)[0];
            long[] b = shapes.get(module)[1];
            if (shape.length != 2 || a[1] != shape[1] || b[0] != shape[0] || a[0] != b[1]) {
                throw new IllegalArgumentException("adapter module " + module + ": lora_A " + Arrays.toString(a)
                        + " and lora_B " + Arrays.toString(b) + " do not fit " + entry.name() + " "
                        + Arrays.toString(shape));
            }
            merged.add(Weights.canonical(entry.name(), config.family().renames()));
            float scale = (float) adapter.scale(module, (int) a[0]);
            writer.add(entry.name(), shape, () -> addProduct(read(shard, entry), pairs.get(module), shape[0], shape[1],
                    (int) a[0], scale));
        }
        writer.write(target, SafeTensorsWriter.DType.valueOf(dtypes.iterator().next()));
    }

    /** w [out, in] += scale · B [out, r] · A [r, in]. */
    static float[] addProduct(float[] w, float[][] pair, int out, int in, int rank, float scale) {
        float[] a = pair[0];
        float[] b = pair[1];
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < rank; k++) {
                float factor = scale * b[o * rank + k];
                int row = o * in;
                int from = k * in;
                for (int i = 0; i < in; i++) {
                    w[row + i] += factor * a[from + i];
                }
            }
        }
        return w;
    }

    private static float[] read(SafeTensors shard, SafeTensors.Entry entry) {
        try {
            return shard.floats(entry);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean hasFiles(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.findAny().isPresent();
        }
    }
}
