package dev.mondrian.runner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding in the Hugging Face "rotate half" layout: dimension i pairs with
 * i + headDim/2. The cos/sin tables for every position are computed once, at load.
 */
final class Rope {
    private final NDArray cos;
    private final NDArray sin;
    private final int half;

    Rope(NDManager manager, TextConfig config, int positions, DataType type) {
        int dim = config.headDim();
        half = dim / 2;
        double[] invFreq = inverseFrequencies(config);
        double positionScale = config.ropeScaling().type().equals("linear") ? 1 / config.ropeScaling().factor() : 1;
        float[] c = new float[positions * dim];
        float[] s = new float[positions * dim];
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < half; i++) {
                // Rounded to float before cos/sin, as transformers computes the angles in float32.
                float angle = (float) (p * positionScale) * (float) invFreq[i];
                c[p * dim + i] = c[p * dim + i + half] = (float) Math.cos(angle);
                s[p * dim + i] = s[p * dim + i + half] = (float) Math.sin(angle);
            }
        }
        cos = manager.create(c, new Shape(positions, 1, dim)).toType(type, false);
        sin = manager.create(s, new Shape(positions, 1, dim)).toType(type, false);
    }

    static double[] inverseFrequencies(TextConfig config) {
        int dim = config.headDim();
        double[] inv = new double[dim / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / dim);
        }
        RopeScaling scaling = config.ropeScaling();
        if (scaling.type().equals("llama3")) {
            double lowWavelen = scaling.originalMaxPositions() / scaling.lowFreqFactor();
            double highWavelen = scaling.originalMaxPositions() / scaling.highFreqFactor();
            for (int i = 0; i < inv.length; i++) {
                double wavelen = 2 * Math.PI / inv[i];
                if (wavelen > lowWavelen) {
                    inv[i] = inv[i] / scaling.factor();
                } else if (wavelen >= highWavelen) {
                    double smooth = (scaling.originalMaxPositions() / wavelen - scaling.lowFreqFactor())
                            / (scaling.highFreqFactor() - scaling.lowFreqFactor());
                    inv[i] = (1 - smooth) * inv[i] / scaling.factor() + smooth * inv[i];
                }
            }
        }
        return inv;
    }

    /** Rotates {@code x} of shape [seq, heads, headDim] holding positions start .. start+seq-1. */
    NDArray apply(NDArray x, int start) {
        int seq = (int) x.getShape().get(0);
        NDIndex rows = new NDIndex("{}:{}", start, start + seq);
        NDArray c = cos.get(rows);
        NDArray s = sin.get(rows);
        NDArray first = x.get(new NDIndex("..., :{}", half));
        NDArray second = x.get(new NDIndex("..., {}:", half));
        NDArray rotated = second.neg().concat(first, -1);
        return x.mul(c).add(rotated.mul(s));
    }
}
