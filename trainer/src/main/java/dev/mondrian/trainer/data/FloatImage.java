package dev.mondrian.trainer.data;

import java.awt.image.BufferedImage;

/** An RGB image as three planes of floats in [0, 1] (sRGB-encoded values, row-major), for measuring and drawing. */
final class FloatImage {
    final int width;
    final int height;
    final float[] r;
    final float[] g;
    final float[] b;

    FloatImage(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "×" + height);
        }
        this.width = width;
        this.height = height;
        this.r = new float[width * height];
        this.g = new float[width * height];
        this.b = new float[width * height];
    }

    FloatImage copy() {
        FloatImage out = new FloatImage(width, height);
        System.arraycopy(r, 0, out.r, 0, r.length);
        System.arraycopy(g, 0, out.g, 0, g.length);
        System.arraycopy(b, 0, out.b, 0, b.length);
        return out;
    }

    static FloatImage of(BufferedImage image) {
        FloatImage out = new FloatImage(image.getWidth(), image.getHeight());
        int[] rgb = image.getRGB(0, 0, out.width, out.height, null, 0, out.width);
        for (int i = 0; i < rgb.length; i++) {
            out.r[i] = ((rgb[i] >> 16) & 0xFF) / 255f;
            out.g[i] = ((rgb[i] >> 8) & 0xFF) / 255f;
            out.b[i] = (rgb[i] & 0xFF) / 255f;
        }
        return out;
    }

    BufferedImage toBufferedImage() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[width * height];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = byteOf(r[i]) << 16 | byteOf(g[i]) << 8 | byteOf(b[i]);
        }
        image.setRGB(0, 0, width, height, rgb, 0, width);
        return image;
    }

    /** Rounds every value to the 8 bits a BufferedImage keeps, so statistics match the image the meter will see. */
    void quantize() {
        for (int i = 0; i < r.length; i++) {
            r[i] = byteOf(r[i]) / 255f;
            g[i] = byteOf(g[i]) / 255f;
            b[i] = byteOf(b[i]) / 255f;
        }
    }

    /** Rec. 709 luma of the encoded values: the brightness a viewer reads, without linearising. */
    static float luma(float red, float green, float blue) {
        return 0.2126f * red + 0.7152f * green + 0.0722f * blue;
    }

    float[] luma() {
        float[] out = new float[r.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = luma(r[i], g[i], b[i]);
        }
        return out;
    }

    /** Area-averaged to the given size (each output pixel averages the input it covers), or as is when equal. */
    FloatImage resized(int newWidth, int newHeight) {
        if (newWidth == width && newHeight == height) {
            return this;
        }
        FloatImage out = new FloatImage(newWidth, newHeight);
        AreaWeights across = new AreaWeights(width, newWidth);
        AreaWeights down = new AreaWeights(height, newHeight);
        resizePlane(r, out.r, across, down, newWidth, newHeight);
        resizePlane(g, out.g, across, down, newWidth, newHeight);
        resizePlane(b, out.b, across, down, newWidth, newHeight);
        return out;
    }

    /** Scaled down (aspect kept) so that neither side exceeds maxSide; as is when already small enough. */
    FloatImage fittedWithin(int maxSide) {
        int longest = Math.max(width, height);
        if (longest <= maxSide) {
            return this;
        }
        double scale = (double) maxSide / longest;
        return resized(Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale)));
    }

    private void resizePlane(float[] in, float[] out, AreaWeights across, AreaWeights down, int newWidth, int newHeight) {
        float[] rows = new float[height * newWidth];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < newWidth; x++) {
                rows[y * newWidth + x] = across.average(in, y * width, 1, x);
            }
        }
        for (int y = 0; y < newHeight; y++) {
            for (int x = 0; x < newWidth; x++) {
                out[y * newWidth + x] = down.average(rows, x, newWidth, y);
            }
        }
    }

    private static int byteOf(float value) {
        return Math.clamp(Math.round(value * 255f), 0, 255);
    }

    /** For each output index, the input indices it covers and the share of each. */
    private static final class AreaWeights {
        private final int[] first;
        private final float[][] weights;

        AreaWeights(int from, int to) {
            first = new int[to];
            weights = new float[to][];
            double step = (double) from / to;
            for (int o = 0; o < to; o++) {
                double start = o * step;
                double end = Math.min(from, start + step);
                int lo = (int) Math.floor(start);
                int hi = Math.max(lo + 1, (int) Math.ceil(end));
                first[o] = lo;
                weights[o] = new float[hi - lo];
                double total = end - start;
                for (int i = lo; i < hi; i++) {
                    weights[o][i - lo] = (float) ((Math.min(end, i + 1) - Math.max(start, i)) / total);
                }
            }
        }

        float average(float[] plane, int offset, int stride, int o) {
            float sum = 0;
            for (int k = 0; k < weights[o].length; k++) {
                sum += weights[o][k] * plane[offset + (first[o] + k) * stride];
            }
            return sum;
        }
    }
}
