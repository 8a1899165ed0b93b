package dev.mondrian.runner.model.llava;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The image preprocessing that a model's {@code preprocessor_config.json} asks for: resize
 * (shortest edge, or to a fixed size), center crop, rescale, normalize; out comes a [3, S, S]
 * channel-first float array.
 */
public record ImagePreprocessor(int resizeShortest, int resizeHeight, int resizeWidth, int cropHeight,
                                int cropWidth, double rescale, float[] mean, float[] std) {

    public static ImagePreprocessor read(Path folder, int imageSize) throws IOException {
        Path file = folder.resolve("preprocessor_config.json");
        if (!Files.isRegularFile(file)) {
            // No config: the plain square resize every ViT accepts, with CLIP's statistics.
            return new ImagePreprocessor(0, imageSize, imageSize, 0, 0, 1 / 255.0,
                    new float[] {0.48145466f, 0.4578275f, 0.40821073f}, new float[] {0.26862954f, 0.26130258f, 0.27577711f});
        }
        JsonNode c = JsonMapper.builder().build().readTree(file.toFile());
        JsonNode size = c.path("size");
        int shortest = c.path("do_resize").asBoolean(true) && size.has("shortest_edge") ? size.get("shortest_edge").asInt() : 0;
        int height = size.path("height").asInt(imageSize);
        int width = size.path("width").asInt(imageSize);
        boolean crop = c.path("do_center_crop").asBoolean(false);
        JsonNode cropSize = c.path("crop_size");
        return new ImagePreprocessor(shortest, height, width, crop ? cropSize.path("height").asInt(imageSize) : 0,
                crop ? cropSize.path("width").asInt(imageSize) : 0,
                c.path("do_rescale").asBoolean(true) ? c.path("rescale_factor").asDouble(1 / 255.0) : 1,
                c.path("do_normalize").asBoolean(true) ? floats(c.path("image_mean"), 0.5f) : new float[] {0, 0, 0},
                c.path("do_normalize").asBoolean(true) ? floats(c.path("image_std"), 0.5f) : new float[] {1, 1, 1});
    }

    /** Pixels [3, H, W] (channel-first, row-major) ready for the vision tower. */
    public float[] apply(BufferedImage source) {
        BufferedImage image = resize(source);
        if (cropHeight > 0) {
            int x = Math.max(0, (image.getWidth() - cropWidth) / 2);
            int y = Math.max(0, (image.getHeight() - cropHeight) / 2);
            image = image.getSubimage(x, y, Math.min(cropWidth, image.getWidth()), Math.min(cropHeight, image.getHeight()));
        }
        int h = image.getHeight();
        int w = image.getWidth();
        float[] out = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                for (int c = 0; c < 3; c++) {
                    int value = (rgb >> (16 - 8 * c)) & 0xFF;
                    out[c * h * w + y * w + x] = (float) ((value * rescale - mean[c]) / std[c]);
                }
            }
        }
        return out;
    }

    private BufferedImage resize(BufferedImage source) {
        int width;
        int height;
        if (resizeShortest > 0) {
            double scale = (double) resizeShortest / Math.min(source.getWidth(), source.getHeight());
            width = Math.max(resizeShortest, (int) Math.round(source.getWidth() * scale));
            height = Math.max(resizeShortest, (int) Math.round(source.getHeight() * scale));
        } else {
            width = resizeWidth;
            height = resizeHeight;
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static float[] floats(JsonNode node, float fallback) {
        if (node.isNumber()) {
            float v = (float) node.asDouble();
            return new float[] {v, v, v};
        }
        if (!node.isArray() || node.size() != 3) {
            return new float[] {fallback, fallback, fallback};
        }
        return new float[] {(float) node.get(0).asDouble(), (float) node.get(1).asDouble(), (float) node.get(2).asDouble()};
    }
}
