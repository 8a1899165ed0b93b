package dev.mondrian.runner.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import dev.mondrian.runner.model.KvCache;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.SafeTensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
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
    private final Model model;
    private final Map<String, NDArray> parameters;
    private final AdamW optimizer;
    private final int steps;
    private final float learningRate;
    private int taken;
    private int skipped;

    /**
     * @param steps total optimizer steps, for the learning-rate schedule
     */
    Trainer(Model model, float learningRate, int steps) {
        this.model = model;
        this.parameters = new TreeMap<>(model.weights().all()); // a fixed order: reproducible updates
        parameters.values().forEach(p -> p.setRequiresGradient(true));
        this.steps = steps;
        this.learningRate = learningRate;
        this.optimizer = new AdamW(0.01f, 1f);
    }

    /** One optimizer step over the batch; returns the batch's mean loss per answer token. */
    double step(List<ExampleEncoder.Encoded> batch) {
        double total = 0;
        for (ExampleEncoder.Encoded example : batch) {
            // The scope frees every array the step made, those the model's own tensors made too
            // (an operation's result belongs to its first operand's manager); backward runs first.
            try (NDScope scope = new NDScope();
                 NDManager scratch = model.manager().newSubManager();
                 KvCache cache = model.decoder().newCache();
                 GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                scope.suppressNotUsedWarning();
                NDArray loss = loss(scratch, cache, example);
                total += loss.getFloat();
                // The divisor lives in scratch until after the backward pass, which reads it (see TextDecoder's scalars).
                collector.backward(loss.div(scratch.create((float) batch.size())));
            }
        }
        Map<String, NDArray> gradients = new TreeMap<>();
        parameters.forEach((name, parameter) -> gradients.put(name, parameter.getGradient()));
        boolean finite = Double.isFinite(total) && finite(gradients);
        if (finite) {
            optimizer.update(parameters, gradients, rate(taken++));
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

    /** A linear warm-up over the first 5% of steps, then a cosine decay to a tenth of the peak. */
    private float rate(int step) {
        int warmUp = Math.max(1, steps / 20);
        if (step < warmUp) {
            return learningRate * (step + 1) / warmUp;
        }
        double progress = Math.min(1, (double) (step - warmUp) / Math.max(1, steps - warmUp));
        return (float) (learningRate * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress))));
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

    /** The cache must outlive the backward pass: autograd reads the keys and values written into it. */
    private NDArray loss(NDManager scratch, KvCache cache, ExampleEncoder.Encoded example) {
        long[] ids = example.ids();
        int from = example.promptLength();
        NDArray logits = model.decoder().forward(model.embed(scratch, ids, example.pixels()), cache, true);
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
