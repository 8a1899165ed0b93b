package dev.mondrian.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mondrian.trainer.data.PhotoProperties;
import dev.mondrian.trainer.data.Property;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A training-only read-out of every property from the image features the decoder sees (the projector's
 * output, averaged over patches): one linear classifier per property. Its loss teaches the vision tower
 * to measure the photo directly, instead of waiting for the faint signal that a few words of each
 * critique carry back through the decoder. It is never saved: the shipped model is a plain LLaVA.
 */
final class PropertyProbe {
    /** What the probe said of each photo, and its loss. */
    record Reading(NDArray loss, List<Map<Property, Boolean>> correct) {}

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

    /** The mean cross-entropy over the photos and properties, for the photos whose features [photos, patches, size] these are. */
    Reading read(NDManager scratch, NDArray features, List<PhotoProperties> truths) {
        int photos = truths.size();
        int classes = offsets[offsets.length - 1];
        NDArray pooled = features.mean(new int[] {1}); // [photos, size]
        NDArray logits = pooled.matMul(weight.transpose()).add(bias);
        float[] values = logits.toFloatArray();
        List<Map<Property, Boolean>> correct = new ArrayList<>();
        for (int i = 0; i < photos; i++) {
            correct.add(new EnumMap<>(Property.class));
        }
        NDList picked = new NDList();
        for (Property property : Property.values()) {
            int from = offsets[property.ordinal()];
            int to = offsets[property.ordinal() + 1];
            long[] labels = new long[photos];
            for (int i = 0; i < photos; i++) {
                labels[i] = property.of(truths.get(i)).ordinal();
                int row = i * classes;
                correct.get(i).put(property, argmax(values, row + from, row + to) - row - from == labels[i]);
            }
            picked.add(logits.get(":, {}:{}", from, to).logSoftmax(1).gather(scratch.create(labels).reshape(-1, 1), 1));
        }
        // The divisor is an array of the scratch manager: autograd reads it during the backward pass.
        NDArray loss = NDArrays.concat(picked).sum().neg()
                .div(scratch.create((float) Property.values().length * photos));
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
