package dev.mondrian.runner.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mondrian.runner.training.data.PhotoProperties;
import dev.mondrian.runner.training.data.Property;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A training-only read-out of every property from the image features the decoder sees (the projector's
 * output, averaged over patches): one linear classifier per property. Its loss teaches the vision tower
 * to measure the photo directly, instead of waiting for the faint signal that a few words of each
 * critique carry back through the decoder. It is never saved: the shipped model is a plain LLaVA.
 */
final class PropertyProbe {
    /** What the probe said of one photo, and its loss. */
    record Reading(NDArray loss, Map<Property, Boolean> correct) {}

    private final NDArray weight;
    private final NDArray bias;
    private final int[] offsets = new int[Property.values().length + 1];

    PropertyProbe(NDManager manager, int featureSize, long seed) {
        for (Property property : Property.values()) {
            offsets[property.ordinal() + 1] = offsets[property.ordinal()] + property.choices().size();
        }
        int classes = offsets[offsets.length - 1];
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[classes * featureSize];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * 0.02);
        }
        weight = manager.create(values, new Shape(classes, featureSize));
        bias = manager.zeros(new Shape(classes));
    }

    /** Its parameters, for the optimizer. */
    Map<String, NDArray> parameters() {
        return Map.of("probe.weight", weight, "probe.bias", bias);
    }

    /** The mean cross-entropy over the properties of the photo whose features [patches, size] these are. */
    Reading read(NDManager scratch, NDArray features, PhotoProperties truth) {
        NDArray pooled = features.mean(new int[] {0}, true); // [1, size]
        NDArray logits = pooled.matMul(weight.transpose()).reshape(-1).add(bias);
        float[] values = logits.toFloatArray();
        NDList picked = new NDList();
        Map<Property, Boolean> correct = new EnumMap<>(Property.class);
        for (Property property : Property.values()) {
            int from = offsets[property.ordinal()];
            int to = offsets[property.ordinal() + 1];
            int label = property.of(truth).ordinal();
            picked.add(logits.get("{}:{}", from, to).logSoftmax(0).get("{}:{}", label, label + 1));
            correct.put(property, argmax(values, from, to) - from == label);
        }
        // The divisor is an array of the scratch manager: autograd reads it during the backward pass.
        NDArray loss = NDArrays.concat(picked).sum().neg().div(scratch.create((float) Property.values().length));
        return new Reading(loss, correct);
    }

    private static int argmax(float[] values, int from, int to) {
        int best = from;
        for (int i = from + 1; i < to; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
