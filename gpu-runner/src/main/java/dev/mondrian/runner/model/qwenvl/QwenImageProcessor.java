package dev.mondrian.runner.model.qwenvl;

import dev.mondrian.runner.model.PreparedImage;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The image processing of Qwen2-VL, Qwen2.5-VL and Qwen3-VL, as transformers' PIL processor
 * ({@code Qwen2VLImageProcessor}, which Qwen3-VL uses too) does it: convert to RGB (transparency over white),
 * {@code smart_resize} to multiples of patch × merge within a pixel budget, Pillow's BICUBIC resize, rescale and
 * normalize in float32, then cut into patches in merge-window order.
 *
 * <p>The float steps match numpy's to the bit: {@code v * rescale_factor} in double cast to float32, then
 * {@code (x - mean) / std} in float32 with mean and std cast to float32 (Java float arithmetic is IEEE single, as
 * numpy's). The resize matches Pillow's to the bit ({@link PillowResampler}). What can still differ is upstream:
 * the decoder that turned the file into pixels (ImageIO's JPEG decoder versus libjpeg may differ by a level), and
 * images that are neither 8-bit gray nor what {@link BufferedImage#getRGB} reports faithfully (16-bit, CMYK).
 *
 * <p>Transparency: transformers 4.x's convert_to_rgb composites over white (Pillow's alpha_composite), and Qwen's
 * own qwen-vl-utils pastes over white too; transformers 5 just drops the alpha channel. We composite over white,
 * to 4.x's exact rounding, so a transparent picture looks as a viewer sees it rather than showing hidden colors.
 */
public final class QwenImageProcessor {
    private static final double[] OPENAI_CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
    private static final double[] OPENAI_CLIP_STD = {0.26862954, 0.26130258, 0.27577711};
    private static final double[] HALF = {0.5, 0.5, 0.5};
    private static final int CHANNELS = 3;

    private final long minPixels;
    private final long maxPixels;
    private final int patchSize;
    private final int temporalPatchSize;
    private final int mergeSize;
    private final boolean doResize;
    private final boolean doRescale;
    private final double rescaleFactor;
    private final boolean doNormalize;
    private final float[] mean;
    private final float[] std;
    private final boolean doConvertRgb;

    private QwenImageProcessor(long minPixels, long maxPixels, int patchSize, int temporalPatchSize, int mergeSize,
                               boolean doResize, boolean doRescale, double rescaleFactor, boolean doNormalize,
                               double[] mean, double[] std, boolean doConvertRgb) {
        this.minPixels = minPixels;
        this.maxPixels = maxPixels;
        this.patchSize = patchSize;
        this.temporalPatchSize = temporalPatchSize;
        this.mergeSize = mergeSize;
        this.doResize = doResize;
        this.doRescale = doRescale;
        this.rescaleFactor = rescaleFactor;
        this.doNormalize = doNormalize;
        this.mean = toFloat32(mean);
        this.std = toFloat32(std);
        this.doConvertRgb = doConvertRgb;
    }

    /**
     * The settings of {@code preprocessor_config.json} in {@code folder} (or, failing it, the
     * {@code image_processor} of {@code processor_config.json}); what neither says comes from transformers'
     * defaults for the generation, and the patch geometry from the vision tower.
     */
    static QwenImageProcessor read(Path folder, QwenVisionConfig config) throws IOException {
        JsonNode c = readSettings(folder);
        boolean qwen3 = config.generation() == QwenVisionConfig.Generation.QWEN3_VL;
        // Qwen3-VL has no image processor class of its own: its checkpoints ship Qwen2VLImageProcessor settings
        // of 256² to 4096² pixels and mean = std = 0.5 (the values its video processor defaults to).
        long min = qwen3 ? 65536 : 56 * 56;
        long max = qwen3 ? 16777216 : 28 * 28 * 1280;
        JsonNode size = c.path("size");
        min = size.path("shortest_edge").asLong(size.path("min_pixels").asLong(min));
        max = size.path("longest_edge").asLong(size.path("max_pixels").asLong(max));
        // As in transformers, the older top-level min_pixels / max_pixels win over size.
        min = c.path("min_pixels").asLong(min);
        max = c.path("max_pixels").asLong(max);
        if (min <= 0 || max < min) {
            throw new IllegalArgumentException("image pixel budget min " + min + ", max " + max + " is not valid");
        }
        int patch = geometry(c, "patch_size", config.patchSize());
        int temporal = geometry(c, "temporal_patch_size", config.temporalPatchSize());
        int merge = geometry(c, "merge_size", config.mergeSize());
        double[] defaultMean = qwen3 ? HALF : OPENAI_CLIP_MEAN;
        double[] defaultStd = qwen3 ? HALF : OPENAI_CLIP_STD;
        return new QwenImageProcessor(min, max, patch, temporal, merge, c.path("do_resize").asBoolean(true),
                c.path("do_rescale").asBoolean(true), c.path("rescale_factor").asDouble(1 / 255.0),
                c.path("do_normalize").asBoolean(true), triple(c.path("image_mean"), defaultMean),
                triple(c.path("image_std"), defaultStd), c.path("do_convert_rgb").asBoolean(true));
    }

    /**
     * The picture as transformers prepares it, sized to take at most {@code maxTokens} merged image tokens.
     *
     * @throws IllegalArgumentException when the picture cannot fit in {@code maxTokens}, or its shape is refused
     */
    public PreparedImage prepare(BufferedImage image, int maxTokens) {
        int height = image.getHeight();
        int width = image.getWidth();
        byte[] rgb = rgbBytes(image, doConvertRgb);
        int[] size = doResize ? targetSize(height, width, maxTokens) : unresizedSize(height, width, maxTokens);
        if (size[0] != height || size[1] != width) {
            rgb = PillowResampler.resize(rgb, width, height, size[1], size[0]);
        }
        float[] planes = normalize(rgb);
        int gridH = size[0] / patchSize;
        int gridW = size[1] / patchSize;
        float[] patches = flattenPatches(planes, gridH, gridW);
        return new PreparedImage(patches, new int[] {1, gridH / mergeSize, gridW / mergeSize});
    }

    /**
     * transformers' {@code smart_resize}: the nearest multiples of {@code factor} (Python's round, half to even),
     * scaled down (floor) when over {@code maxPixels} or up (ceil) when under {@code minPixels}.
     *
     * @return {height, width}
     */
    static int[] smartResize(int height, int width, int factor, long minPixels, long maxPixels) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image size " + width + "x" + height + " is empty");
        }
        double ratio = (double) Math.max(height, width) / Math.min(height, width);
        if (ratio > 200) {
            throw new IllegalArgumentException("absolute aspect ratio must be smaller than 200, got " + ratio
                    + " (" + width + "x" + height + ")");
        }
        long area = (long) height * width;
        long h = roundHalfEven((double) height / factor) * factor;
        long w = roundHalfEven((double) width / factor) * factor;
        if (h * w > maxPixels) {
            double beta = Math.sqrt((double) area / maxPixels);
            h = Math.max(factor, (long) Math.floor(height / beta / factor) * factor);
            w = Math.max(factor, (long) Math.floor(width / beta / factor) * factor);
        } else if (h * w < minPixels) {
            double beta = Math.sqrt((double) minPixels / area);
            h = (long) Math.ceil(height * beta / factor) * factor;
            w = (long) Math.ceil(width * beta / factor) * factor;
        }
        return new int[] {Math.toIntExact(h), Math.toIntExact(w)};
    }

    /** smart_resize with the budget also capped at {@code maxTokens} merged tokens of factor² pixels each. */
    private int[] targetSize(int height, int width, int maxTokens) {
        long factor = (long) patchSize * mergeSize;
        long pixelsPerToken = factor * factor;
        if (maxTokens <= 0 || minPixels > (long) maxTokens * pixelsPerToken) {
            long needed = (minPixels + pixelsPerToken - 1) / pixelsPerToken;
            throw tooManyTokens("at least " + needed, maxTokens);
        }
        long cap = Math.min(maxPixels, (long) maxTokens * pixelsPerToken);
        int[] size = smartResize(height, width, (int) factor, minPixels, cap);
        // The ceil branch (and smart_resize's one-factor floor) can still go over the cap.
        checkTokens(size, maxTokens);
        return size;
    }

    /** With do_resize off the picture goes in as it is, so it must already be whole merge windows. */
    private int[] unresizedSize(int height, int width, int maxTokens) {
        int factor = patchSize * mergeSize;
        if (height % factor != 0 || width % factor != 0) {
            throw new IllegalArgumentException("with do_resize off, the image's " + width + "x" + height
                    + " must be multiples of " + factor);
        }
        int[] size = {height, width};
        checkTokens(size, maxTokens);
        return size;
    }

    private void checkTokens(int[] size, int maxTokens) {
        int factor = patchSize * mergeSize;
        long tokens = (long) (size[0] / factor) * (size[1] / factor);
        if (size[0] == 0 || size[1] == 0) {
            throw new IllegalArgumentException("the image resizes to nothing (" + size[1] + "x" + size[0] + ")");
        }
        if (tokens > maxTokens) {
            throw tooManyTokens(String.valueOf(tokens), maxTokens);
        }
    }

    private static IllegalArgumentException tooManyTokens(String needed, int left) {
        return new IllegalArgumentException("the image needs " + needed + " image tokens but only "
                + Math.max(left, 0) + " are left in the context");
    }

    /** Python's round() of a double: to nearest, ties to even. */
    private static long roundHalfEven(double value) {
        return (long) Math.rint(value);
    }

    /**
     * The picture as interleaved 8-bit RGB. With conversion on, transparency is composited over opaque white
     * as transformers' convert_to_rgb does with Pillow's alpha_composite; 8-bit gray is read from the raster,
     * because {@link BufferedImage#getRGB} treats Java's gray as linear and brightens it, where Pillow copies it.
     */
    static byte[] rgbBytes(BufferedImage image, boolean compositeAlpha) {
        int width = image.getWidth();
        int height = image.getHeight();
        byte[] out = new byte[width * height * CHANNELS];
        int[] argb = new int[width];
        boolean gray = isPlainGray(image);
        Raster raster = image.getRaster();
        for (int y = 0; y < height; y++) {
            if (gray) {
                grayRow(raster, y, argb);
            } else {
                image.getRGB(0, y, width, 1, argb, 0, width);
            }
            for (int x = 0; x < width; x++) {
                int pixel = argb[x];
                int alpha = pixel >>> 24;
                int o = (y * width + x) * CHANNELS;
                for (int ch = 0; ch < CHANNELS; ch++) {
                    int value = (pixel >> (16 - 8 * ch)) & 0xFF;
                    out[o + ch] = (byte) (compositeAlpha ? overWhite(value, alpha) : value);
                }
            }
        }
        return out;
    }

    private static boolean isPlainGray(BufferedImage image) {
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        return !(model instanceof IndexColorModel) && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && raster.getNumBands() <= 2 && raster.getSampleModel().getSampleSize(0) == 8;
    }

    /** One row of 8-bit gray (and alpha, if any) as ARGB, values copied as they are. */
    private static void grayRow(Raster raster, int y, int[] argb) {
        boolean alpha = raster.getNumBands() == 2;
        for (int x = 0; x < argb.length; x++) {
            int v = raster.getSample(x, y, 0);
            int a = alpha ? raster.getSample(x, y, 1) : 255;
            argb[x] = a << 24 | v << 16 | v << 8 | v;
        }
    }

    /**
     * Pillow's integer alpha_composite of a value with alpha {@code a} over opaque white: 7 extra bits of
     * precision and its shift-based division by 255, so the rounding is Pillow's.
     */
    static int overWhite(int value, int a) {
        if (a == 0) {
            return 255;
        }
        int precision = 7;
        long blend = 255L * (255 - a);
        long outAlpha255 = a * 255L + blend;
        long coef1 = a * 255L * 255 * (1 << precision) / outAlpha255;
        long coef2 = 255L * (1 << precision) - coef1;
        long mixed = value * coef1 + 255 * coef2 + (0x80 << precision);
        return (int) ((((mixed >> 8) + mixed) >> 8) >> precision);
    }

    /** Rescale then normalize into channel planes [3, H·W], with numpy's float32 rounding. */
    private float[] normalize(byte[] rgb) {
        int pixels = rgb.length / CHANNELS;
        float[] planes = new float[rgb.length];
        for (int i = 0; i < pixels; i++) {
            for (int ch = 0; ch < CHANNELS; ch++) {
                int value = rgb[i * CHANNELS + ch] & 0xFF;
                // numpy: uint8 → float64 × scale → float32; without rescale, uint8 → float32.
                float x = doRescale ? (float) (value * rescaleFactor) : value;
                if (doNormalize) {
                    x = (x - mean[ch]) / std[ch];
                }
                planes[ch * pixels + i] = x;
            }
        }
        return planes;
    }

    /**
     * transformers' patch layout: the frame repeated temporal_patch_size times, viewed as
     * (gridT, temporal, C, gridH/merge, merge, patch, gridW/merge, merge, patch), transposed by
     * (0, 3, 6, 4, 7, 2, 1, 5, 8) and flattened to [gridH·gridW, C·temporal·patch·patch]: rows go merge window
     * by merge window, row-major inside each; a row is channel, then time, then the patch's pixels row-major.
     */
    private float[] flattenPatches(float[] planes, int gridH, int gridW) {
        int width = gridW * patchSize;
        int planeSize = gridH * patchSize * width;
        int rowLength = CHANNELS * temporalPatchSize * patchSize * patchSize;
        float[] out = new float[gridH * gridW * rowLength];
        int o = 0;
        for (int blockY = 0; blockY < gridH / mergeSize; blockY++) {
            for (int blockX = 0; blockX < gridW / mergeSize; blockX++) {
                for (int my = 0; my < mergeSize; my++) {
                    for (int mx = 0; mx < mergeSize; mx++) {
                        int top = (blockY * mergeSize + my) * patchSize;
                        int left = (blockX * mergeSize + mx) * patchSize;
                        o = copyPatch(planes, planeSize, width, top, left, out, o);
                    }
                }
            }
        }
        return out;
    }

    /** One patch's row: for each channel, the same frame once per temporal step (a still image repeats). */
    private int copyPatch(float[] planes, int planeSize, int width, int top, int left, float[] out, int o) {
        for (int ch = 0; ch < CHANNELS; ch++) {
            for (int t = 0; t < temporalPatchSize; t++) {
                for (int py = 0; py < patchSize; py++) {
                    System.arraycopy(planes, ch * planeSize + (top + py) * width + left, out, o, patchSize);
                    o += patchSize;
                }
            }
        }
        return o;
    }

    private static JsonNode readSettings(Path folder) throws IOException {
        JsonMapper mapper = JsonMapper.builder().build();
        Path preprocessor = folder.resolve("preprocessor_config.json");
        if (Files.isRegularFile(preprocessor)) {
            return mapper.readTree(preprocessor.toFile());
        }
        // Newer checkpoints may keep every modality's settings in processor_config.json instead.
        Path processor = folder.resolve("processor_config.json");
        if (Files.isRegularFile(processor)) {
            return mapper.readTree(processor.toFile()).path("image_processor");
        }
        return mapper.createObjectNode();
    }

    /** A patch-geometry setting, which must agree with the vision tower the patches are for. */
    private static int geometry(JsonNode c, String field, int tower) {
        int value = c.path(field).asInt(tower);
        if (value != tower) {
            throw new IllegalArgumentException("the image processor's " + field + " " + value
                    + " does not match the vision tower's " + tower);
        }
        return value;
    }

    /** A per-channel setting given as one number or three. */
    private static double[] triple(JsonNode node, double[] fallback) {
        if (node.isNumber()) {
            double v = node.asDouble();
            return new double[] {v, v, v};
        }
        if (node.isArray()) {
            if (node.size() != CHANNELS) {
                throw new IllegalArgumentException("expected " + CHANNELS + " per-channel values, got " + node);
            }
            return new double[] {node.get(0).asDouble(), node.get(1).asDouble(), node.get(2).asDouble()};
        }
        return fallback.clone();
    }

    /** numpy's np.array(values, dtype=float32): each double rounded to the nearest float. */
    private static float[] toFloat32(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    long minPixels() {
        return minPixels;
    }

    long maxPixels() {
        return maxPixels;
    }

    float[] mean() {
        return mean.clone();
    }

    float[] std() {
        return std.clone();
    }
}
