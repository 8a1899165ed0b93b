package dev.mondrian.trainer.data;

import java.util.SplittableRandom;

/**
 * The final grade, as in a darkroom or raw converter: a luma curve (offset and gain) for exposure and contrast,
 * a chroma gain for saturation and a white-balance shift for temperature, solved by measuring the graded 8-bit
 * result and correcting until it lands on its targets. Luma and chroma are graded apart (a pixel is its luma plus
 * a chroma vector of zero luma), and a colour that would leave the gamut loses chroma, never luma or hue.
 *
 * @param meanLuma the wanted mean luma
 * @param lumaSpread the wanted luma standard deviation
 * @param chroma the wanted mean chroma
 * @param warmthLow the lowest acceptable mean red minus blue
 * @param warmthHigh the highest acceptable mean red minus blue
 * @param grain standard deviation of the luma grain laid on after the curve (0 for none)
 */
record Grader(double meanLuma, double lumaSpread, double chroma, double warmthLow, double warmthHigh, double grain,
              long grainSeed) {

    private static final int ROUNDS = 10;
    // White balance moves red and blue against each other in the ratio that leaves luma unchanged.
    private static final float WARM_RED = (float) (0.0722 / (0.2126 + 0.0722));
    private static final float WARM_BLUE = (float) -(0.2126 / (0.2126 + 0.0722));
    // Beyond this chroma gain a grey scene would only amplify rounding noise.
    private static final double MAX_CHROMA_GAIN = 8;

    FloatImage grade(FloatImage scene) {
        int n = scene.r.length;
        float[] luma = scene.luma();
        double sceneMean = 0;
        for (float l : luma) {
            sceneMean += l;
        }
        sceneMean /= n;
        float[] noise = new float[n];
        SplittableRandom random = new SplittableRandom(grainSeed);
        for (int i = 0; i < n; i++) {
            noise[i] = (float) (grain * gaussian(random));
        }
        double offset = meanLuma;
        double gain = 1;
        double chromaGain = 1;
        double warmShift = 0;
        FloatImage out = new FloatImage(scene.width, scene.height);
        for (int round = 0; round < ROUNDS; round++) {
            apply(scene, luma, sceneMean, noise, offset, gain, chromaGain, warmShift, out);
            ToneAndColour got = ToneAndColour.of(out);
            if (onTarget(got)) {
                break;
            }
            offset += meanLuma - got.meanLuma();
            gain *= got.lumaSpread() > 1e-4 ? Math.clamp(lumaSpread / got.lumaSpread(), 0.5, 2) : 2;
            if (got.meanChroma() > 1e-4) {
                chromaGain = Math.min(MAX_CHROMA_GAIN, chromaGain * Math.clamp(chroma / got.meanChroma(), 0.5, 2));
            }
            double warmth = got.warmth();
            if (warmth < warmthLow || warmth > warmthHigh) {
                warmShift += Math.clamp(warmth, warmthLow, warmthHigh) - warmth;
            }
        }
        return out;
    }

    private boolean onTarget(ToneAndColour got) {
        return Math.abs(got.meanLuma() - meanLuma) < 0.01 && Math.abs(got.lumaSpread() - lumaSpread) < 0.01
                && Math.abs(got.meanChroma() - chroma) < Math.max(0.005, 0.05 * chroma)
                && got.warmth() >= warmthLow && got.warmth() <= warmthHigh;
    }

    private static void apply(FloatImage scene, float[] luma, double sceneMean, float[] noise, double offset,
                              double gain, double chromaGain, double warmShift, FloatImage out) {
        for (int i = 0; i < luma.length; i++) {
            double l = Math.clamp(offset + gain * (luma[i] - sceneMean) + noise[i], 0, 1);
            double cr = chromaGain * (scene.r[i] - luma[i]) + warmShift * WARM_RED;
            double cg = chromaGain * (scene.g[i] - luma[i]);
            double cb = chromaGain * (scene.b[i] - luma[i]) + warmShift * WARM_BLUE;
            double s = Math.min(1, Colours.gamutLimit(l, cr, cg, cb));
            out.r[i] = (float) (l + s * cr);
            out.g[i] = (float) (l + s * cg);
            out.b[i] = (float) (l + s * cb);
        }
        out.quantize();
    }

    private static double gaussian(SplittableRandom random) {
        // Box–Muller, so the grain depends on nothing but the seed.
        double a = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
