package dev.mondrian.trainer.data;

/** Separable Gaussian blur with edges extended, as a lens out of focus spreads every point. */
final class Blur {
    private Blur() {}

    static FloatImage gaussian(FloatImage image, double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        float[] kernel = new float[2 * radius + 1];
        float total = 0;
        for (int k = -radius; k <= radius; k++) {
            kernel[k + radius] = (float) Math.exp(-k * k / (2 * sigma * sigma));
            total += kernel[k + radius];
        }
        for (int k = 0; k < kernel.length; k++) {
            kernel[k] /= total;
        }
        FloatImage out = new FloatImage(image.width, image.height);
        float[][] from = {image.r, image.g, image.b};
        float[][] to = {out.r, out.g, out.b};
        float[] rows = new float[image.r.length];
        int w = image.width;
        int h = image.height;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float sum = 0;
                    for (int k = -radius; k <= radius; k++) {
                        sum += kernel[k + radius] * from[c][y * w + Math.clamp(x + k, 0, w - 1)];
                    }
                    rows[y * w + x] = sum;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float sum = 0;
                    for (int k = -radius; k <= radius; k++) {
                        sum += kernel[k + radius] * rows[Math.clamp(y + k, 0, h - 1) * w + x];
                    }
                    to[c][y * w + x] = sum;
                }
            }
        }
        return out;
    }
}
