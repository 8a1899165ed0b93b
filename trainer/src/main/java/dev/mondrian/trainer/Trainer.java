package dev.mondrian.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.mondrian.runner.model.Adapter;
import dev.mondrian.runner.model.KvCache;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.llava.Llava;
import dev.mondrian.runner.model.SafeTensorsWriter;
import dev.mondrian.trainer.data.PhotoProperties;
import dev.mondrian.trainer.data.Property;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a loaded model in place with the engine's own forward pass: the same code that will
 * serve the model computes its training loss, so what was learned is exactly what runs. PyTorch's
 * autograd follows the forward through the KV cache writes like any other operation.
 */
final class Trainer {
    private static final Logger log = LoggerFactory.getLogger(Trainer.class);
    /** How much the probe's loss counts beside the critique's, once the decoder trains too. */
    private static final float PROBE_WEIGHT = 0.5f;
    private final Model model;
    /** The adapter being trained, or null when the model's own weights are. */
    private final Adapter adapter;
    private final Map<String, NDArray> parameters;
    private final PropertyProbe probe;
    private final Phase vision;
    private final Phase joint;
    private Phase active;
    private final Map<Property, int[]> tally = new EnumMap<>(Property.class); // right, seen
    private int skipped;

    /**
     * @param visionSteps optimizer steps that train only the vision tower and projector, through the probe
     * @param steps optimizer steps that train all but the vision tower on the critiques, for the learning-rate schedule
     * @param seed the probe's starting weights
     */
    Trainer(Model model, float learningRate, int visionSteps, int steps, long seed) {
        this.model = model;
        this.adapter = null;
        this.parameters = new TreeMap<>(model.weights().all()); // a fixed order: reproducible updates
        this.probe = model.images().isPresent()
                ? new PropertyProbe(model.manager(), model.config().text().hiddenSize(), seed) : null;
        // The vision phase trains the tower, the projector and the probe; the critique phase everything but the
        // tower, as LLaVA's second stage does: retuning it to the language loss undoes what the probe taught it.
        Map<String, NDArray> seeing = new TreeMap<>();
        Map<String, NDArray> writing = new TreeMap<>();
        parameters.forEach((name, p) -> {
            if (!name.startsWith("model.")) {
                seeing.put(name, p);
            }
            if (!name.startsWith("vision_tower.")) {
                writing.put(name, p);
            }
        });
        if (probe != null) {
            seeing.putAll(probe.parameters());
            writing.putAll(probe.parameters());
        }
        this.vision = new Phase(seeing, learningRate, visionSteps);
        this.joint = new Phase(writing, learningRate, steps);
    }

    /**
     * Trains only {@code adapter}'s factors on the critiques, the model itself frozen: an advisor's LoRA
     * adapter ({@link AdvisorTraining}). {@link #step} then computes the critique's loss through the adapter.
     */
    Trainer(Model model, Adapter adapter, float learningRate, int steps) {
        this.model = model;
        this.adapter = adapter;
        this.parameters = adapter.parameters();
        this.probe = null;
        this.vision = null;
        this.joint = new Phase(parameters, learningRate, steps);
    }

    /** One optimizer step of the vision tower, projector and probe alone; returns the batch's mean probe loss. */
    double visionStep(List<ExampleEncoder.Photo> batch) {
        if (probe == null) {
            throw new IllegalStateException("a model without a vision tower has nothing to train through the probe");
        }
        // The whole batch in one pass: the tower's small matrices are cheaper stacked than one photo at a time.
        return step(vision, List.of(batch), (scratch, cache, photos) -> {
            NDArray features = Llava.tower(model).features(stacked(scratch, photos));
            return probe(scratch, features, photos.stream().map(ExampleEncoder.Photo::properties).toList(), 1f);
        });
    }

    /**
     * One optimizer step of all but the vision tower over the batch: the critique's loss per answer token, plus
     * the probe's for examples whose photo properties are known; returns the batch's mean loss.
     */
    double step(List<ExampleEncoder.Encoded> batch) {
        return step(joint, batch, (scratch, cache, example) -> {
            if (example.pixels() == null) {
                return critique(scratch, cache, example, model.decoder().embed(scratch, example.ids()));
            }
            NDArray features = Llava.tower(model).features(scratch, example.pixels());
            NDArray loss = critique(scratch, cache, example, model.embed(scratch, example.ids(), features));
            if (example.properties() == null || probe == null) {
                return loss;
            }
            return loss.add(probe(scratch, features.expandDims(0), List.of(example.properties()), PROBE_WEIGHT));
        });
    }

    private static NDArray stacked(NDManager scratch, List<ExampleEncoder.Photo> photos) {
        int size = photos.getFirst().pixels().length;
        float[] all = new float[photos.size() * size];
        for (int i = 0; i < photos.size(); i++) {
            System.arraycopy(photos.get(i).pixels(), 0, all, i * size, size);
        }
        int side = (int) Math.round(Math.sqrt(size / 3.0));
        return scratch.create(all, new Shape(photos.size(), 3, side, side));
    }

    /** The mean loss over one part of a batch: an example, or a stack of photos. */
    private interface Loss<E> {
        NDArray of(NDManager scratch, KvCache cache, E part);
    }

    /** Gradients part by part, each part's loss weighted equally, then one update; returns the mean loss. */
    private <E> double step(Phase phase, List<E> batch, Loss<E> lossOf) {
        if (active != phase) {
            // Only the phase's own parameters record gradients: the others are neither changed nor paid for.
            parameters.values().forEach(p -> p.setRequiresGradient(false));
            phase.parameters.values().forEach(p -> p.setRequiresGradient(true));
            active = phase;
        }
        double total = 0;
        for (E part : batch) {
            // The scope frees every array the step made, those the model's own tensors made too
            // (an operation's result belongs to its first operand's manager); backward runs first.
            // The cache must outlive the backward pass: autograd reads the keys and values written into it.
            try (NDScope scope = new NDScope();
                 NDManager scratch = model.manager().newSubManager();
                 KvCache cache = phase == joint ? model.decoder().newCache() : null;
                 GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                scope.suppressNotUsedWarning();
                NDArray loss = lossOf.of(scratch, cache, part);
                total += loss.getFloat();
                // The divisor lives in scratch until after the backward pass, which reads it (see TextDecoder's scalars).
                collector.backward(loss.div(scratch.create((float) batch.size())));
            }
        }
        Map<String, NDArray> gradients = new TreeMap<>();
        phase.parameters.forEach((name, parameter) -> gradients.put(name, parameter.getGradient()));
        boolean finite = Double.isFinite(total) && finite(gradients);
        if (finite) {
            phase.update(gradients);
        } else {
            // A safety net for long runs: one bad backward pass must not turn every weight into NaN.
            log.warn("step skipped: the loss or a gradient is not finite (loss {})", total / batch.size());
            skipped++;
        }
        for (NDArray gradient : gradients.values()) {
            gradient.set(new NDIndex("..."), 0f); // PyTorch adds each backward's gradients to what is there
            gradient.close();
        }
        if (!finite) {
            return Double.NaN;
        }
        return total / batch.size();
    }

    /** The probe's weighted mean loss on photos whose features [photos, patches, size] these are. */
    private NDArray probe(NDManager scratch, NDArray features, List<PhotoProperties> truths, float weight) {
        PropertyProbe.Reading reading = probe.read(scratch, features, truths);
        reading.correct().forEach(photo -> photo.forEach((property, right) -> {
            int[] counts = tally.computeIfAbsent(property, p -> new int[2]);
            counts[0] += right ? 1 : 0;
            counts[1]++;
        }));
        return weight == 1f ? reading.loss() : reading.loss().mul(scratch.create(weight));
    }

    /** How often the probe named each property right since the last call, as a share. */
    Map<Property, Double> probeAccuracy() {
        Map<Property, Double> shares = new EnumMap<>(Property.class);
        tally.forEach((property, counts) -> shares.put(property, (double) counts[0] / counts[1]));
        tally.clear();
        return shares;
    }

    /** The parameters one phase trains, with their own optimizer and schedule. */
    private static final class Phase {
        private final Map<String, NDArray> parameters;
        private final AdamW optimizer = new AdamW(0.01f, 1f);
        private final float peak;
        private final int steps;
        private int taken;

        Phase(Map<String, NDArray> parameters, float peak, int steps) {
            this.parameters = parameters;
            this.peak = peak;
            this.steps = steps;
        }

        void update(Map<String, NDArray> gradients) {
            optimizer.update(parameters, gradients, rate(taken++));
        }

        /** A linear warm-up over the first 5% of steps, then a cosine decay to a tenth of the peak. */
        private float rate(int step) {
            int warmUp = Math.max(1, steps / 20);
            if (step < warmUp) {
                return peak * (step + 1) / warmUp;
            }
            double progress = Math.min(1, (double) (step - warmUp) / Math.max(1, steps - warmUp));
            return (float) (peak * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress))));
        }
    }

    private static boolean finite(Map<String, NDArray> gradients) {
        for (NDArray gradient : gradients.values()) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                if (!Float.isFinite(gradient.abs().sum().getFloat())) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Steps whose gradients were not finite, and so were not taken. */
    int skippedSteps() {
        return skipped;
    }

    /** The critique's loss: the mean negative log-likelihood of its tokens. */
    private NDArray critique(NDManager scratch, KvCache cache, ExampleEncoder.Encoded example, NDArray embedded) {
        long[] ids = example.ids();
        int from = example.promptLength();
        NDArray logits = model.decoder().forward(embedded, model.positions(ids, null, cache.position()), List.of(), cache,
                adapter, true);
        // Position t predicts token t + 1: the rows from the prompt's last token to the answer's second to last.
        NDArray predicting = logits.get("{}:{}", from - 1, ids.length - 1).logSoftmax(-1);
        long[] targets = Arrays.copyOfRange(ids, from, ids.length);
        NDArray picked = predicting.gather(scratch.create(targets).reshape(-1, 1), 1);
        return picked.mean().neg();
    }

    /** Saves the weights under the newer LLaVA layout's names, in F32. */
    void save(Path file) throws IOException {
        SafeTensorsWriter out = new SafeTensorsWriter();
        for (Map.Entry<String, NDArray> parameter : parameters.entrySet()) {
            NDArray array = parameter.getValue();
            int[] shape = Arrays.stream(array.getShape().getShape()).mapToInt(d -> (int) d).toArray();
            out.add(savedName(parameter.getKey()), shape, array::toFloatArray);
        }
        out.write(file, SafeTensorsWriter.DType.F32);
    }

    /** The inverse of the engine's mapping of saved names onto canonical ones. */
    static String savedName(String canonical) {
        if (canonical.startsWith("model.")) {
            return "model.language_model." + canonical.substring("model.".length());
        }
        if (canonical.startsWith("vision_tower.") || canonical.startsWith("multi_modal_projector.")) {
            return "model." + canonical;
        }
        return canonical;
    }
}
