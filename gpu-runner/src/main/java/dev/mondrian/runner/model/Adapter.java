package dev.mondrian.runner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * A PEFT LoRA adapter loaded beside a base model and applied at run time, unmerged: a projection
 * with weight W computes W·x + scale·B·(A·x), so one loaded base serves every adapter (and jobs with
 * different adapters share a batched step). The scale is folded into B at load. Loading checks the
 * adapter against the base it is loaded for, so a wrong adapter fails here, not in a job.
 *
 * <p>Adapted at run time: the decoder's q/k/v/o and MLP projections, and an untied lm_head. An adapter
 * that targets anything else (a vision tower, the embeddings) is refused with the module's name;
 * {@link AdapterMerge} merges those into a folder of their own.
 */
public final class Adapter implements AutoCloseable {
    /** The PEFT key prefix of a module path: {@code base_model.model.} + the module's path in the model. */
    static final String PREFIX = "base_model.model.";
    private static final String A = ".lora_A.weight";
    private static final String B = ".lora_B.weight";

    /** An adapted weight's low-rank factors: A [r, in], and B [out, r] already multiplied by {@code scale}. */
    record Factors(NDArray a, NDArray scaledB, float scale) {}

    /**
     * An adapted weight's factors as the Java decode step reads them: A [r, in] in place, and scale·B transposed,
     * [r, out], on the Java heap. Laid out [out, r], the second product is one short dot product (r values) and one
     * horizontal sum per output, which is most of its time; transposed, it is r rows of multiply-adds per output row.
     */
    record KernelFactors(MemorySegment a, float[] scaledBTransposed, int rank) {}

    /**
     * The rows of a Java decode step that share one adapter: its {@link #memory()} and their indices, ascending.
     * Made once per step rather than by each of its projections: on a small model a projection takes a few
     * microseconds, and finding its rows again there was half of what an adapter cost (docs/BENCHMARKS.md).
     */
    record KernelGroup(Map<String, KernelFactors> factors, int[] rows) {
        /** Row r through {@code perRow.get(r)}, grouped by adapter in order of first row; rows with none, in none. */
        static List<KernelGroup> of(List<Adapter> perRow) {
            Map<Adapter, int[]> rows = new LinkedHashMap<>();
            for (int r = 0; r < perRow.size(); r++) {
                Adapter adapter = perRow.get(r);
                if (adapter != null) {
                    int[] before = rows.getOrDefault(adapter, new int[0]);
                    int[] after = Arrays.copyOf(before, before.length + 1);
                    after[before.length] = r;
                    rows.put(adapter, after);
                }
            }
            List<KernelGroup> groups = new ArrayList<>();
            rows.forEach((adapter, members) -> groups.add(new KernelGroup(adapter.memory(), members)));
            return groups;
        }
    }

    private final String name;
    private final NDManager manager;
    private final Map<String, Factors> factors;
    private final long bytes;
    /** {@link #memory()} once made: empty when some factor is not in place. */
    private volatile Optional<Map<String, KernelFactors>> memory;

    private Adapter(String name, NDManager manager, Map<String, Factors> factors, long bytes) {
        this.name = name;
        this.manager = manager;
        this.factors = factors;
        this.bytes = bytes;
    }

    /**
     * Loads the adapter folder for {@code base}, on its device in its compute type.
     *
     * @throws IllegalArgumentException when the adapter does not fit the base (a module it lacks, other
     *                                  shapes, a module only a merge can adapt), naming the first misfit
     */
    public static Adapter load(Path folder, Model base) throws IOException {
        AdapterConfig config = AdapterConfig.read(folder);
        Map<String, float[][]> pairs = new HashMap<>();
        Map<String, long[][]> shapes = new HashMap<>();
        readPairs(folder, pairs, shapes);
        Set<String> adaptable = base.decoder().adaptable();
        NDManager manager = base.manager().newSubManager();
        Map<String, Factors> factors = new HashMap<>();
        long bytes = 0;
        try {
            for (String module : new TreeSet<>(pairs.keySet())) {
                long[] aShape = shapes.get(module)[0];
                long[] bShape = shapes.get(module)[1];
                String weightName = weightName(module, base.config());
                Shape weight = base.weights().shape(weightName).orElseThrow(() -> misfit(folder, module,
                        "the base model has no weight " + weightName));
                long out = weight.get(0);
                long in = weight.get(1);
                int rank = (int) aShape[0];
                if (aShape.length != 2 || bShape.length != 2 || aShape[1] != in || bShape[0] != out || bShape[1] != rank) {
                    throw misfit(folder, module, "lora_A " + new Shape(aShape) + " and lora_B " + new Shape(bShape)
                            + " do not fit its weight " + weight + " (A must be [r, " + in + "], B ["
                            + out + ", r])");
                }
                if (!adaptable.contains(weightName)) {
                    throw misfit(folder, module, "Mondrian applies adapters at run time to the language model's"
                            + " attention and MLP projections only; merge this adapter into a model folder of its own"
                            + " with ./mondrian merge-adapter");
                }
                if (!config.targets(module)) {
                    throw misfit(folder, module, "the module is not among adapter_config.json's target_modules "
                            + config.targets());
                }
                float scale = (float) config.scale(module, rank);
                float[][] pair = pairs.get(module);
                float[] scaled = pair[1].clone();
                for (int i = 0; i < scaled.length; i++) {
                    scaled[i] *= scale;
                }
                DataType type = base.decoder().computeType();
                factors.put(weightName, new Factors(
                        manager.create(pair[0], new Shape(aShape)).toType(type, false),
                        manager.create(scaled, new Shape(bShape)).toType(type, false), scale));
                bytes += (pair[0].length + scaled.length) * (long) type.getNumOfBytes();
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        if (factors.isEmpty()) {
            manager.close();
            throw new IllegalArgumentException(folder + " adapts no module: adapter_model.safetensors holds no "
                    + "lora_A/lora_B pairs");
        }
        return new Adapter(folder.getFileName().toString(), manager, Map.copyOf(factors), bytes);
    }

    /** As {@link #fresh(Model, String, int, double, long, Set)} on every weight the base adapts at run time. */
    public static Adapter fresh(Model base, String name, int rank, double alpha, long seed) {
        return fresh(base, name, rank, alpha, seed, Set.of());
    }

    /**
     * A new adapter to train, as PEFT starts one: for every weight the base adapts at run time whose module is
     * named in {@code modules} (the last part of its path, as PEFT's target_modules: {@code q_proj}, {@code
     * down_proj}; empty for all), A drawn uniformly from ±1/√in (PEFT's Kaiming-uniform bound) and B zero, so it
     * starts as the base model. Its factors require gradients; {@link #parameters()} hands them to an optimizer.
     *
     * @throws IllegalArgumentException for a module name that no adaptable weight has, naming those there are
     */
    public static Adapter fresh(Model base, String name, int rank, double alpha, long seed, Set<String> modules) {
        Set<String> adaptable = new TreeSet<>(base.decoder().adaptable());
        Set<String> names = new TreeSet<>(adaptable.stream().map(Adapter::moduleName).toList());
        if (!names.containsAll(modules)) {
            Set<String> unknown = new TreeSet<>(modules);
            unknown.removeAll(names);
            throw new IllegalArgumentException("no weight of the model is in a module named " + unknown
                    + "; the modules an adapter can target are " + names);
        }
        NDManager manager = base.manager().newSubManager();
        Map<String, Factors> factors = new HashMap<>();
        SplittableRandom random = new SplittableRandom(seed);
        long bytes = 0;
        float scale = (float) (alpha / rank);
        for (String weightName : adaptable) {
            if (!modules.isEmpty() && !modules.contains(moduleName(weightName))) {
                continue;
            }
            Shape shape = base.weights().shape(weightName).orElseThrow();
            int out = (int) shape.get(0);
            int in = (int) shape.get(1);
            float[] a = new float[rank * in];
            double bound = 1 / Math.sqrt(in);
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
            }
            NDArray factorA = manager.create(a, new Shape(rank, in));
            NDArray factorB = manager.zeros(new Shape(out, rank));
            factorA.setRequiresGradient(true);
            factorB.setRequiresGradient(true);
            factors.put(weightName, new Factors(factorA, factorB, scale));
            bytes += (long) (a.length + out * rank) * Float.BYTES;
        }
        return new Adapter(name, manager, Map.copyOf(factors), bytes);
    }

    /** A weight's module path, its name without {@code .weight}: {@code model.layers.0.self_attn.q_proj}. */
    private static String modulePathOf(String weightName) {
        return weightName.substring(0, weightName.length() - ".weight".length());
    }

    /** The last part of a weight's module path: {@code q_proj} for {@code model.layers.0.self_attn.q_proj.weight}. */
    private static String moduleName(String weightName) {
        String module = modulePathOf(weightName);
        return module.substring(module.lastIndexOf('.') + 1);
    }

    /** Its factors by name ({@code <weight>.lora_A}, {@code <weight>.lora_B}, B scaled), for an optimizer. */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> parameters = new TreeMap<>();
        factors.forEach((weight, f) -> {
            parameters.put(weight + ".lora_A", f.a());
            parameters.put(weight + ".lora_B", f.scaledB());
        });
        return parameters;
    }

    /**
     * Writes the adapter as PEFT's save_pretrained does (F32), so PEFT and {@link #load} both read it; one
     * rank and scale for every module, as {@link #fresh} makes them.
     *
     * @param modulePath the module path transformers gives a canonical weight name (without {@code .weight}): a
     *                   different prefix, the same last part, which target_modules lists ({@link #modules()})
     */
    public void save(Path folder, String baseModel, UnaryOperator<String> modulePath) throws IOException {
        Files.createDirectories(folder);
        SafeTensorsWriter writer = new SafeTensorsWriter();
        int rank = 0;
        float scale = 1;
        for (String weight : adapted()) {
            Factors f = factors.get(weight);
            String module = modulePath.apply(modulePathOf(weight));
            rank = (int) f.a().getShape().get(0);
            scale = f.scale();
            writer.add(PREFIX + module + A, intShape(f.a()), f.a().toType(DataType.FLOAT32, false).toFloatArray());
            float[] b = f.scaledB().toType(DataType.FLOAT32, false).toFloatArray();
            for (int i = 0; i < b.length; i++) {
                b[i] /= f.scale();
            }
            writer.add(PREFIX + module + B, intShape(f.scaledB()), b);
        }
        writer.write(folder.resolve("adapter_model.safetensors"), SafeTensorsWriter.DType.F32);
        Files.writeString(folder.resolve("adapter_config.json"), """
                {"peft_type": "LORA", "task_type": "CAUSAL_LM", "base_model_name_or_path": "%s", "r": %d,
                 "lora_alpha": %s, "use_rslora": false, "lora_dropout": 0.0, "bias": "none", "use_dora": false,
                 "fan_in_fan_out": false, "init_lora_weights": true, "inference_mode": true, "modules_to_save": null,
                 "rank_pattern": {}, "alpha_pattern": {}, "target_modules": [%s]}
                """.formatted(baseModel, rank, (double) scale * rank,
                String.join(", ", modules().stream().map(t -> "\"" + t + "\"").toList())));
    }

    private static int[] intShape(NDArray array) {
        return Arrays.stream(array.getShape().getShape()).mapToInt(Math::toIntExact).toArray();
    }

    /** lora_A and lora_B of every module, by PEFT module path; any other tensor is refused by name. */
    static void readPairs(Path folder, Map<String, float[][]> pairs, Map<String, long[][]> shapes) throws IOException {
        Path file = folder.resolve("adapter_model.safetensors");
        if (!Files.isRegularFile(file)) {
            throw new IOException(folder + " has no adapter_model.safetensors"
                    + (Files.exists(folder.resolve("adapter_model.bin"))
                    ? " (adapter_model.bin is PyTorch's pickle format: save with safe_serialization=True)" : ""));
        }
        SafeTensors st = SafeTensors.open(file);
        for (SafeTensors.Entry entry : st.entries().values()) {
            String key = entry.name();
            boolean isA = key.endsWith(A);
            if (!key.startsWith(PREFIX) || !(isA || key.endsWith(B))) {
                throw new IllegalArgumentException(file + ": tensor " + key + " is not a LoRA factor as PEFT saves them ("
                        + PREFIX + "<module>" + A + " or " + B + ")");
            }
            String module = key.substring(PREFIX.length(), key.length() - A.length());
            pairs.computeIfAbsent(module, m -> new float[2][])[isA ? 0 : 1] = st.floats(entry);
            shapes.computeIfAbsent(module, m -> new long[2][])[isA ? 0 : 1] = entry.shape();
        }
        for (Map.Entry<String, float[][]> pair : pairs.entrySet()) {
            if (pair.getValue()[0] == null || pair.getValue()[1] == null) {
                throw new IllegalArgumentException(file + ": module " + pair.getKey() + " has only one of lora_A and lora_B");
            }
        }
    }

    /** The canonical name of the weight a PEFT module path adapts, through the family's layouts. */
    static String weightName(String module, ModelConfig config) {
        return Weights.canonical(module + ".weight", config.family().renames());
    }

    private static IllegalArgumentException misfit(Path folder, String module, String why) {
        return new IllegalArgumentException("adapter " + folder + " does not fit this model at " + module + ": " + why);
    }

    /** The folder's name, as logs and errors call the adapter. */
    public String name() {
        return name;
    }

    /** Bytes its factors take on the device. */
    public long bytes() {
        return bytes;
    }

    /** The factors of a weight (by canonical name), or null when the adapter leaves it alone. */
    Factors factors(String weightName) {
        return factors.get(weightName);
    }

    /**
     * Every weight's factors as {@link VectorDecodeStep} reads them, or null when any of them is not float32 in CPU
     * memory. Made once, on first use; the transposed copies of B add B's size on the Java heap.
     */
    Map<String, KernelFactors> memory() {
        if (memory == null) {
            Map<String, KernelFactors> all = new HashMap<>();
            for (Map.Entry<String, Factors> entry : factors.entrySet()) {
                MemorySegment a = VectorKernel.inPlace(entry.getValue().a());
                MemorySegment b = VectorKernel.inPlace(entry.getValue().scaledB());
                if (a == null || b == null) {
                    memory = Optional.empty();
                    return null;
                }
                int out = (int) entry.getValue().scaledB().getShape().get(0);
                int rank = (int) entry.getValue().scaledB().getShape().get(1);
                float[] transposed = new float[rank * out];
                for (int o = 0; o < out; o++) {
                    for (int k = 0; k < rank; k++) {
                        transposed[k * out + o] = b.getAtIndex(ValueLayout.JAVA_FLOAT, (long) o * rank + k);
                    }
                }
                all.put(entry.getKey(), new KernelFactors(a, transposed, rank));
            }
            memory = Optional.of(Map.copyOf(all));
        }
        return memory.orElse(null);
    }

    /** The names of the modules it targets, as PEFT's target_modules lists them ({@code q_proj}, …), sorted. */
    public Set<String> modules() {
        return new TreeSet<>(factors.keySet().stream().map(Adapter::moduleName).toList());
    }

    /** The canonical names of the weights it adapts. */
    public List<String> adapted() {
        return factors.keySet().stream().sorted().toList();
    }

    @Override
    public void close() {
        manager.close();
    }
}
