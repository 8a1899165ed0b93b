package dev.mondrian.runner.model.qwenvl;

/**
 * Pillow's {@code Image.resize(size, BICUBIC)} of an 8-bit RGB image, reproduced to the bit: the models were
 * trained on what transformers' PIL image processor feeds them, so our pixels should be the same ones.
 *
 * <p>What Pillow does (libImaging/Resample.c, 8 bits per channel): a separable convolution with the Keys cubic
 * (a = -0.5, support 2). When shrinking, the kernel is stretched by the scale, so every source pixel counts
 * (antialiasing). Each output pixel's weights are computed in double, normalized to sum 1, then turned into
 * fixed-point integers with 22 fractional bits (rounded half away from zero). A pass sums {@code value * weight}
 * in a 32-bit int starting from half a unit, shifts the fraction away and clips to 0..255, so the image is
 * 8-bit again between the passes. The horizontal pass runs first, over only the rows the vertical pass reads;
 * a pass whose size does not change is skipped.
 *
 * <p>Pixels are interleaved RGB bytes, row-major.
 */
final class PillowResampler {
    /** Pillow's 32 - 8 - 2: room for 8-bit values and for weight sums a little over 1 or below 0. */
    private static final int PRECISION_BITS = 22;
    private static final double BICUBIC_SUPPORT = 2.0;
    private static final int CHANNELS = 3;

    private PillowResampler() {
    }

    /** Which source pixels one output pixel reads, and their fixed-point weights. */
    private record Coefficients(int[] first, int[] count, int[] weights, int stride) {
    }

    static byte[] resize(byte[] rgb, int width, int height, int newWidth, int newHeight) {
        if (rgb.length != width * height * CHANNELS) {
            throw new IllegalArgumentException("expected " + width + "x" + height + " RGB bytes, got " + rgb.length);
        }
        if (newWidth <= 0 || newHeight <= 0) {
            throw new IllegalArgumentException("cannot resize to " + newWidth + "x" + newHeight);
        }
        boolean horizontal = newWidth != width;
        boolean vertical = newHeight != height;
        Coefficients rows = coefficients(height, newHeight);
        byte[] image = rgb;
        int rowOffset = 0;
        if (horizontal) {
            // Only the source rows that some output row reads, as Pillow does; the vertical pass then indexes
            // the strip relative to its first row.
            int firstRow = rows.first[0];
            int lastRow = rows.first[newHeight - 1] + rows.count[newHeight - 1];
            image = horizontalPass(image, width, firstRow, lastRow - firstRow, newWidth, coefficients(width, newWidth));
            rowOffset = firstRow;
        }
        if (vertical) {
            image = verticalPass(image, newWidth, rowOffset, newHeight, rows);
        }
        return image == rgb ? rgb.clone() : image;
    }

    /** Keys' cubic convolution kernel with a = -0.5, written as Pillow evaluates it (same rounding). */
    static double bicubic(double x) {
        double a = -0.5;
        if (x < 0.0) {
            x = -x;
        }
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    /** Pillow's precompute_coeffs followed by normalize_coeffs_8bpc, for the box covering the whole input. */
    private static Coefficients coefficients(int inSize, int outSize) {
        // Pillow holds the box edges as C floats; an input size below 2^24 is exact either way.
        double scale = (double) (float) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = BICUBIC_SUPPORT * filterScale;
        int stride = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * stride];
        double[] k = new double[stride];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double inverse = 1.0 / filterScale;
            // (int) truncates toward zero, as C's cast does; bounds are then clamped to the image.
            int xmin = Math.max(0, (int) (center - support + 0.5));
            int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
            double sum = 0.0;
            for (int x = 0; x < xmax; x++) {
                double w = bicubic((x + xmin - center + 0.5) * inverse);
                k[x] = w;
                sum += w;
            }
            for (int x = 0; x < xmax; x++) {
                double normalized = sum != 0.0 ? k[x] / sum : k[x];
                weights[xx * stride + x] = toFixedPoint(normalized);
            }
            first[xx] = xmin;
            count[xx] = xmax;
        }
        return new Coefficients(first, count, weights, stride);
    }

    /** Rounds half away from zero, as Pillow's {@code (int)(±0.5 + w * (1 << 22))}. */
    private static int toFixedPoint(double weight) {
        double scaled = weight * (1 << PRECISION_BITS);
        return (int) (weight < 0 ? -0.5 + scaled : 0.5 + scaled);
    }

    /** Drops the 22 fraction bits (arithmetic shift, so it floors) and clips to a byte, as Pillow's clip8. */
    private static byte clip8(int accumulator) {
        int value = accumulator >> PRECISION_BITS;
        return (byte) (value < 0 ? 0 : Math.min(value, 255));
    }

    private static byte[] horizontalPass(byte[] in, int width, int firstRow, int rows, int newWidth, Coefficients c) {
        byte[] out = new byte[rows * newWidth * CHANNELS];
        for (int y = 0; y < rows; y++) {
            int inRow = (y + firstRow) * width * CHANNELS;
            int outRow = y * newWidth * CHANNELS;
            for (int xx = 0; xx < newWidth; xx++) {
                int base = xx * c.stride;
                for (int ch = 0; ch < CHANNELS; ch++) {
                    // Starting at half a unit makes the final shift round to nearest.
                    int acc = 1 << (PRECISION_BITS - 1);
                    for (int x = 0; x < c.count[xx]; x++) {
                        acc += (in[inRow + (c.first[xx] + x) * CHANNELS + ch] & 0xFF) * c.weights[base + x];
                    }
                    out[outRow + xx * CHANNELS + ch] = clip8(acc);
                }
            }
        }
        return out;
    }

    private static byte[] verticalPass(byte[] in, int width, int rowOffset, int newHeight, Coefficients c) {
        byte[] out = new byte[newHeight * width * CHANNELS];
        int rowBytes = width * CHANNELS;
        for (int yy = 0; yy < newHeight; yy++) {
            int base = yy * c.stride;
            int firstRow = c.first[yy] - rowOffset;
            for (int i = 0; i < rowBytes; i++) {
                int acc = 1 << (PRECISION_BITS - 1);
                for (int y = 0; y < c.count[yy]; y++) {
                    acc += (in[(firstRow + y) * rowBytes + i] & 0xFF) * c.weights[base + y];
                }
                out[yy * rowBytes + i] = clip8(acc);
            }
        }
        return out;
    }
}
