package dev.mondrian.runner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding in the Hugging Face "rotate half" layout: dimension i pairs with
 * i + headDim/2. The cos/sin tables for every position are computed once, at load. Multimodal RoPE
 * (Qwen2-VL and later) rotates each frequency pair by one of three positions (temporal, height,
 * width): its angles are the plain tables' rows gathered per axis and combined by a fixed mask.
 */
final class Rope {
    /** cos and sin [seq, 1, headDim] for the positions of one forward pass, shared by every layer. */
    record Angles(NDArray cos, NDArray sin) {}

    private final NDArray cos;
    private final NDArray sin;
    private final int half;
    /** Per axis, [headDim] ones where that axis's position drives the frequency; null for plain RoPE. */
    private final NDArray[] axisMasks;

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
        RopeScaling scaling = config.ropeScaling();
        if (scaling.multimodal()) {
            axisMasks = new NDArray[3];
            for (int axis = 0; axis < 3; axis++) {
                float[] mask = new float[dim];
                for (int i = 0; i < half; i++) {
                    mask[i] = mask[i + half] = scaling.axisOf(i) == axis ? 1 : 0;
                }
                axisMasks[axis] = manager.create(mask, new Shape(1, 1, dim)).toType(type, false);
            }
        } else {
            axisMasks = null;
        }
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

    /** cos [positions, 1, headDim] for every position, as {@link VectorDecodeStep} reads it in place. */
    NDArray cosTable() {
        return cos;
    }

    NDArray sinTable() {
        return sin;
    }

    /** Positions the table holds: the largest position any token may have, plus one. */
    int capacity() {
        return (int) cos.getShape().get(0);
    }

    /** The angles for one forward pass over {@code positions}. */
    Angles angles(NDManager scope, PositionIds positions) {
        if (positions.isLinear()) {
            NDIndex rows = new NDIndex("{}:{}", positions.first(), positions.first() + positions.length());
            return new Angles(cos.get(rows), sin.get(rows));
        }
        if (axisMasks == null) {
            throw new IllegalArgumentException("this decoder has plain RoPE, so its positions are one number per token");
        }
        NDArray c = null;
        NDArray s = null;
        for (int axis = 0; axis < 3; axis++) {
            NDArray rows = scope.create(positions.axis(axis));
            NDArray ca = cos.get(rows).mul(axisMasks[axis]);
            NDArray sa = sin.get(rows).mul(axisMasks[axis]);
            c = c == null ? ca : c.add(ca);
            s = s == null ? sa : s.add(sa);
        }
        return new Angles(c, s);
    }

    /**
     * The plain tables' rows at arbitrary positions, one per token: a batch's decode tokens, each at
     * its own sequence's position. A decode token has the same position on all three multimodal axes,
     * where the combined angles equal the plain row, so this serves multimodal RoPE too.
     */
    Angles rows(NDManager scope, long[] positions) {
        NDArray index = scope.create(positions);
        return new Angles(cos.get(index), sin.get(index));
    }

    /** Rotates {@code x} of shape [seq, heads, headDim] by the pass's angles. */
    NDArray apply(NDArray x, Angles angles) {
        NDArray first = x.get(new NDIndex("..., :{}", half));
        NDArray second = x.get(new NDIndex("..., {}:", half));
        NDArray rotated = second.neg().concat(first, -1);
        return x.mul(angles.cos()).add(rotated.mul(angles.sin()));
    }
}
