package dev.mondrian.trainer.data;

/**
 * Colours as luma, hue and chroma, the three axes the properties are measured on. A colour is its luma plus a
 * chroma vector whose own luma is zero, so changing chroma or hue never changes brightness.
 */
final class Colours {
    private Colours() {}

    /** The chroma vector of unit chroma (max minus min channel) at the given HSV hue, with zero luma. */
    static float[] direction(double hueDegrees) {
        double h = ((hueDegrees % 360) + 360) % 360 / 60;
        double rising = h - Math.floor(h);
        double[] rgb = switch ((int) Math.floor(h)) {
            case 0 -> new double[] {1, rising, 0};
            case 1 -> new double[] {1 - rising, 1, 0};
            case 2 -> new double[] {0, 1, rising};
            case 3 -> new double[] {0, 1 - rising, 1};
            case 4 -> new double[] {rising, 0, 1};
            default -> new double[] {1, 0, 1 - rising};
        };
        float luma = FloatImage.luma((float) rgb[0], (float) rgb[1], (float) rgb[2]);
        return new float[] {(float) rgb[0] - luma, (float) rgb[1] - luma, (float) rgb[2] - luma};
    }

    /** luma + scale * chroma, with the scale cut back as far as needed to stay inside [0, 1] on every channel. */
    static float[] inGamut(double luma, float[] chroma, double scale) {
        double limit = gamutLimit(luma, chroma[0], chroma[1], chroma[2]);
        double s = Math.min(scale, limit);
        return new float[] {(float) (luma + s * chroma[0]), (float) (luma + s * chroma[1]), (float) (luma + s * chroma[2])};
    }

    /** The largest scale s for which luma + s * (cr, cg, cb) stays inside [0, 1]. */
    static double gamutLimit(double luma, double cr, double cg, double cb) {
        double limit = Double.MAX_VALUE;
        for (double c : new double[] {cr, cg, cb}) {
            if (c > 1e-9) {
                limit = Math.min(limit, (1 - luma) / c);
            } else if (c < -1e-9) {
                limit = Math.min(limit, luma / -c);
            }
        }
        return Math.max(0, limit);
    }

    static float[] of(double luma, double hueDegrees, double chroma) {
        return inGamut(Math.clamp(luma, 0, 1), direction(hueDegrees), chroma);
    }
}
