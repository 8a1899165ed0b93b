package dev.mondrian.trainer.data;

/**
 * How abruptly luma changes where it changes: the sum of |Laplacian| over the sum of |gradient|. The ratio
 * ignores how strong the edges are (so contrast and exposure do not move it) and falls as edges spread out,
 * about 0.8 over the blur width in pixels.
 */
final class SharpnessMeasure {
    private SharpnessMeasure() {}

    /** The ratio; 0 when nothing in the image changes faster than the gradient floor. */
    static double of(FloatImage image) {
        FloatImage view = image.fittedWithin(Thresholds.SHARPNESS_MAX_SIDE);
        float[] luma = view.luma();
        int w = view.width;
        double laplacianSum = 0;
        double gradientSum = 0;
        for (int y = 1; y < view.height - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
                int i = y * w + x;
                double gx = (luma[i + 1] - luma[i - 1]) / 2.0;
                double gy = (luma[i + w] - luma[i - w]) / 2.0;
                double gradient = Math.sqrt(gx * gx + gy * gy);
                if (gradient > Thresholds.SHARPNESS_GRADIENT_FLOOR) {
                    gradientSum += gradient;
                    laplacianSum += Math.abs(luma[i + 1] + luma[i - 1] + luma[i + w] + luma[i - w] - 4 * luma[i]);
                }
            }
        }
        return gradientSum == 0 ? 0 : laplacianSum / gradientSum;
    }
}
