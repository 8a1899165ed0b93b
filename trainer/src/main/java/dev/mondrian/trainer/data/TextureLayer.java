package dev.mondrian.trainer.data;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Clutter and surface detail: a pattern that shifts luma (all channels alike, so colour stays) over a share of
 * the frame chosen by thresholding a slow noise field, which makes the textured area come out at that share
 * while looking like patches of foliage, cloud, gravel or plaster. The pattern and field are computed once, so
 * the renderer can try several shares and strengths cheaply.
 */
final class TextureLayer {

    enum Style {
        MOTTLE, GRASS, RIPPLES, SPOTS, BOKEH;

        /** Ripples run along the horizon; without one they would draw long level lines of their own. */
        boolean needsHorizon() {
            return this == RIPPLES;
        }
    }

    // The slow field that decides where the texture lies: a few patches across the frame.
    private static final double PATCH_FREQUENCY = 2.5;
    private static final double PATCH_EDGE = 0.06;
    // Scene units either side of the horizon free of texture, and as much again to fade it in.
    private static final double HORIZON_CLEAR = 0.03;

    private final float[] pattern;
    private final float[] field;
    private final float[] sortedField;
    private final float[] calm;

    /**
     * @param horizon the scene height of the horizon, kept clear of texture for a little either side so the line
     *                stays continuous (as a distant horizon is, below the resolution of nearby clutter); NaN for
     *                none
     * @param frequency the texture's cycles per scene unit
     */
    TextureLayer(Style style, double frequency, float[][] scene, double horizon, RandomGenerator random) {
        long seed = random.nextLong();
        float[] u = scene[0];
        float[] v = scene[1];
        int n = u.length;
        ValueNoise noise = new ValueNoise(seed);
        ValueNoise patches = new ValueNoise(~seed);
        double[][] discs = style == Style.BOKEH ? discs(new SplittableRandom(seed), frequency) : null;
        pattern = new float[n];
        field = new float[n];
        calm = new float[n];
        for (int i = 0; i < n; i++) {
            pattern[i] = (float) pattern(style, noise, discs, frequency, u[i], v[i]);
            field[i] = (float) patches.fractal(u[i], v[i], PATCH_FREQUENCY, 2);
            calm[i] = Double.isNaN(horizon) ? 1
                    : (float) Math.clamp((Math.abs(v[i] - horizon) - HORIZON_CLEAR) / HORIZON_CLEAR, 0, 1);
        }
        sortedField = field.clone();
        java.util.Arrays.sort(sortedField);
    }

    /** Adds the texture over about busyShare of the frame, shifting luma by up to about amplitude. */
    void apply(FloatImage image, double busyShare, double amplitude) {
        double cut = busyShare >= 1 ? Double.NEGATIVE_INFINITY
                : sortedField[(int) Math.clamp(Math.floor((1 - busyShare) * field.length), 0, field.length - 1)];
        for (int i = 0; i < field.length; i++) {
            double mask = busyShare >= 1 ? 1 : Math.clamp((field[i] - cut) / PATCH_EDGE + 0.5, 0, 1);
            float shift = (float) (amplitude * mask * calm[i] * pattern[i]);
            image.r[i] += shift;
            image.g[i] += shift;
            image.b[i] += shift;
        }
    }

    private static double pattern(Style style, ValueNoise noise, double[][] discs, double frequency, double u, double v) {
        return switch (style) {
            case MOTTLE -> 1.6 * noise.fractal(u, v, frequency, 3);
            case GRASS -> 1.6 * noise.fractal(u * 3, v * 0.5, frequency, 2);
            case RIPPLES -> 1.6 * noise.fractal(u * 0.4, v * 3, frequency, 2);
            case SPOTS -> Math.tanh(5 * noise.fractal(u, v, frequency, 2));
            case BOKEH -> bokeh(discs, u, v);
        };
    }

    /** Soft out-of-focus highlights: discs about a cycle of the texture wide, brighter towards their middles. */
    private static double[][] discs(RandomGenerator random, double frequency) {
        int count = (int) Math.round(frequency * frequency * 1.2);
        double[][] out = new double[count][];
        for (int d = 0; d < count; d++) {
            out[d] = new double[] {random.nextDouble() * 2 - 1, random.nextDouble() * 2 - 1,
                    (0.3 + 0.4 * random.nextDouble()) / frequency};
        }
        return out;
    }

    private static double bokeh(double[][] discs, double u, double v) {
        double value = -0.5;
        for (double[] disc : discs) {
            double dx = u - disc[0];
            double dy = v - disc[1];
            double r = Math.sqrt(dx * dx + dy * dy) / disc[2];
            if (r < 1) {
                value = Math.max(value, 0.8 - 0.5 * r * r);
            }
        }
        return value;
    }
}
