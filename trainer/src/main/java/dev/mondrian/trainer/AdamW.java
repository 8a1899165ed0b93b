package dev.mondrian.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.HashMap;
import java.util.Map;

/**
 * AdamW (decoupled weight decay, bias-corrected moments) with gradients clipped to a global norm,
 * written out rather than taken from DJL, whose Adam clips only the positive side of a gradient
 * and folds weight decay into it. Runs outside gradient recording, updating weights in place.
 */
final class AdamW {
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.95f;
    private static final float EPSILON = 1e-8f;

    private final float weightDecay;
    private final float maxNorm;
    private final Map<String, NDArray[]> moments = new HashMap<>();
    private int step;

    AdamW(float weightDecay, float maxNorm) {
        this.weightDecay = weightDecay;
        this.maxNorm = maxNorm;
    }

    /** One update of every parameter from its gradient; returns the gradients' norm before clipping. */
    double update(Map<String, NDArray> parameters, Map<String, NDArray> gradients, float learningRate) {
        step++;
        double squares = 0;
        for (NDArray gradient : gradients.values()) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                squares += gradient.square().sum().getFloat();
            }
        }
        double norm = Math.sqrt(squares);
        float clip = norm > maxNorm ? (float) (maxNorm / norm) : 1f;
        float correction1 = 1 - (float) Math.pow(BETA1, step);
        float correction2 = 1 - (float) Math.pow(BETA2, step);
        for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
            NDArray weight = entry.getValue();
            NDArray[] m = moments.computeIfAbsent(entry.getKey(), k -> new NDArray[] {weight.zerosLike(), weight.zerosLike()});
            // Every intermediate dies with the scope: they would otherwise live as long as the model's manager.
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray gradient = gradients.get(entry.getKey()).mul(clip);
                m[0].muli(BETA1).addi(gradient.mul(1 - BETA1));
                m[1].muli(BETA2).addi(gradient.square().mul(1 - BETA2));
                NDArray step = m[0].div(correction1).div(m[1].div(correction2).sqrt().add(EPSILON)).mul(learningRate);
                // Norm gains and biases are not decayed: pulling them towards 0 is not regularisation.
                if (weight.getShape().dimension() > 1) {
                    weight.muli(1 - learningRate * weightDecay);
                }
                weight.subi(step);
            }
        }
        return norm;
    }
}
