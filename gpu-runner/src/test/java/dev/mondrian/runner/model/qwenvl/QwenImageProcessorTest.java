package dev.mondrian.runner.model.qwenvl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mondrian.runner.model.PreparedImage;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QwenImageProcessorTest {
    @TempDir
    Path dir;

    // smart_resize: expected values worked out from transformers' Python formula.

    @Test
    void smartResizeRoundsHalvesToEvenAsPythonDoes() {
        // 70/28 = 2.5 rounds to 2 (not 3), 98/28 = 3.5 rounds to 4.
        assertThat(QwenImageProcessor.smartResize(70, 98, 28, 3136, 1_000_000_000L)).containsExactly(56, 112);
        // 42/28 = 1.5 rounds to 2.
        assertThat(QwenImageProcessor.smartResize(42, 42, 28, 1, 1_000_000_000L)).containsExactly(56, 56);
    }

    @Test
    void smartResizeFloorsWhenOverMaxPixels() {
        // Rounded 1008x1988 is over 28*28*256; beta = sqrt(2e6 / 200704): 1000/beta/28 = 11.31, 2000/beta/28 = 22.6.
        assertThat(QwenImageProcessor.smartResize(1000, 2000, 28, 3136, 28 * 28 * 256)).containsExactly(308, 616);
    }

    @Test
    void smartResizeCeilsWhenUnderMinPixels() {
        // Rounded 28x28 is under 56*56; beta = sqrt(3136 / 600): 20*beta/28 = 1.63, 30*beta/28 = 2.45.
        assertThat(QwenImageProcessor.smartResize(20, 30, 28, 3136, 1_000_000_000L)).containsExactly(56, 84);
        // A side that rounds to 0 goes through the ceil branch too.
        assertThat(QwenImageProcessor.smartResize(10, 2000, 28, 3136, 1_000_000_000L)).containsExactly(28, 812);
    }

    @Test
    void smartResizeRefusesAspectRatiosOver200() {
        assertThat(QwenImageProcessor.smartResize(10, 2000, 28, 3136, 1_000_000_000L)).hasSize(2);
        assertThatThrownBy(() -> QwenImageProcessor.smartResize(10, 2001, 28, 3136, 1_000_000_000L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aspect ratio");
        assertThatThrownBy(() -> QwenImageProcessor.smartResize(2001, 10, 28, 3136, 1_000_000_000L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aspect ratio");
    }

    // The token budget.

    @Test
    void maxTokensCapsThePixelBudget() throws Exception {
        QwenImageProcessor processor = QwenImageProcessor.read(dir, config(QwenVisionConfig.Generation.QWEN2_VL, 14));
        BufferedImage image = new BufferedImage(2000, 1000, BufferedImage.TYPE_INT_RGB);
        // Budget 100 * 28^2 pixels: smart_resize(1000, 2000, max 78400) = 196x392, 7x14 merged tokens.
        PreparedImage prepared = processor.prepare(image, 100);
        assertThat(prepared.tokenGrid()).containsExactly(1, 7, 14);
        assertThat(prepared.pixels()).hasSize(7 * 14 * 4 * 3 * 2 * 14 * 14);
        // Without the cap it would take far more: 28*28*1280 pixels allows up to 1280 tokens.
        assertThat(processor.prepare(image, 100_000).tokens()).isGreaterThan(1000).isLessThanOrEqualTo(1280);
    }

    @Test
    void refusesWhenEvenMinPixelsNeedsMoreTokensThanAreLeft() throws Exception {
        QwenImageProcessor processor = QwenImageProcessor.read(dir, config(QwenVisionConfig.Generation.QWEN2_VL, 14));
        BufferedImage image = new BufferedImage(2000, 1000, BufferedImage.TYPE_INT_RGB);
        // min_pixels 56*56 is 4 tokens of 28*28.
        assertThatThrownBy(() -> processor.prepare(image, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 4 image tokens").hasMessageContaining("only 3");
    }

    @Test
    void refusesWhenTheCeilBranchGoesOverTheTokensLeft() throws Exception {
        // Qwen3-VL: min 65536 pixels = 64 tokens of 32*32; a 30x20 picture scales up to 224x320 = 7x10 tokens.
        QwenImageProcessor processor = QwenImageProcessor.read(dir, config(QwenVisionConfig.Generation.QWEN3_VL, 16));
        BufferedImage image = new BufferedImage(30, 20, BufferedImage.TYPE_INT_RGB);
        assertThatThrownBy(() -> processor.prepare(image, 64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs 70 image tokens").hasMessageContaining("only 64");
        assertThat(processor.prepare(image, 70).tokenGrid()).containsExactly(1, 7, 10);
    }

    // Rescale and normalize.

    @Test
    void normalizesToNumpysFloat32Bits() throws Exception {
        QwenImageProcessor processor = QwenImageProcessor.read(dir, config(QwenVisionConfig.Generation.QWEN2_VL, 14));
        // numpy: (np.float32(v * (1/255)) - np.float32(0.48145466)) / np.float32(0.26862954) for v = 0, 1, 128, 255.
        int[] values = {0, 1, 128, 255};
        int[] bits = {0xbfe568dc, 0xbfe38a7f, 0x3d9c5620, 0x3ff71541};
        for (int i = 0; i < values.length; i++) {
            BufferedImage image = new BufferedImage(56, 56, BufferedImage.TYPE_INT_RGB);
            fill(image, values[i] << 16);
            PreparedImage prepared = processor.prepare(image, 1000);
            assertThat(prepared.tokenGrid()).containsExactly(1, 2, 2);
            // Row 0 starts with channel 0 (red) of the top-left patch.
            assertThat(Float.floatToIntBits(prepared.pixels()[0])).as("v=%d", values[i]).isEqualTo(bits[i]);
        }
    }

    // Patch order.

    @Test
    void patchesFollowTransformersReshapeAndTranspose() throws Exception {
        Files.writeString(dir.resolve("preprocessor_config.json"), """
                {"min_pixels": 16, "max_pixels": 100000, "patch_size": 2, "temporal_patch_size": 2,
                 "merge_size": 2, "do_rescale": false, "do_normalize": false}
                """);
        QwenImageProcessor processor = QwenImageProcessor.read(dir, config(QwenVisionConfig.Generation.QWEN2_VL, 2));
        int height = 8;
        int width = 12;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, coordinatePixel(x, y));
            }
        }
        PreparedImage prepared = processor.prepare(image, 1000);
        assertThat(prepared.tokenGrid()).containsExactly(1, 2, 3);

        // transformers, literally: the frame tiled to (gridT=1, T=2, C=3, H, W), viewed as
        // (1, 2, 3, gridH/2, 2, 2, gridW/2, 2, 2), transposed (0,3,6,4,7,2,1,5,8), flattened.
        float[] frames = new float[2 * 3 * height * width];
        for (int t = 0; t < 2; t++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        frames[((t * 3 + c) * height + y) * width + x] = channel(coordinatePixel(x, y), c);
                    }
                }
            }
        }
        float[] expected = transpose(frames, new int[] {1, 2, 3, 2, 2, 2, 3, 2, 2}, new int[] {0, 3, 6, 4, 7, 2, 1, 5, 8});
        assertThat(prepared.pixels()).containsExactly(expected);

        // And by hand: 24 values a row (3 channels x 2 frames x 2x2 pixels); row 1 is the patch right of the
        // first, row 2 the one below it, row 4 the first patch of the next merge window to the right.
        int row = 3 * 2 * 2 * 2;
        assertThat(prepared.pixels()[0]).isEqualTo(channel(coordinatePixel(0, 0), 0));
        assertThat(prepared.pixels()[3]).isEqualTo(channel(coordinatePixel(1, 1), 0));
        assertThat(prepared.pixels()[4]).as("second frame repeats the first").isEqualTo(channel(coordinatePixel(0, 0), 0));
        assertThat(prepared.pixels()[8]).as("green follows").isEqualTo(channel(coordinatePixel(0, 0), 1));
        assertThat(prepared.pixels()[row]).isEqualTo(channel(coordinatePixel(2, 0), 0));
        assertThat(prepared.pixels()[2 * row]).isEqualTo(channel(coordinatePixel(0, 2), 0));
        assertThat(prepared.pixels()[4 * row]).isEqualTo(channel(coordinatePixel(4, 0), 0));
        assertThat(prepared.pixels()[12 * row]).as("second row of windows").isEqualTo(channel(coordinatePixel(0, 4), 0));
    }

    // The bicubic resampler.

    @Test
    void constantImagesStayConstant() {
        int[][] sizes = {{7, 5, 3, 2}, {7, 5, 19, 13}, {100, 3, 28, 56}, {4, 4, 4, 9}};
        for (int[] s : sizes) {
            byte[] in = new byte[s[0] * s[1] * 3];
            for (int i = 0; i < in.length; i++) {
                in[i] = (byte) (i % 3 == 0 ? 255 : i % 3 == 1 ? 0 : 173);
            }
            byte[] out = PillowResampler.resize(in, s[0], s[1], s[2], s[3]);
            for (int i = 0; i < out.length; i++) {
                assertThat(out[i] & 0xFF).isEqualTo(i % 3 == 0 ? 255 : i % 3 == 1 ? 0 : 173);
            }
        }
    }

    @Test
    void halvingAStepMatchesTheHandComputedKernel() {
        // Downscale by 2: the kernel is stretched to support 4. Output 0 centers at 1.0 and reads inputs 0..3
        // with cubic(-0.25, 0.25, 0.75, 1.25) = .8671875, .8671875, .2265625, -.0703125 (sum 1.890625), so
        // 255 * (.2265625 - .0703125) / 1.890625 = 21.07 -> 21; output 1 mirrors it: 233.93 -> 234.
        assertThat(red(PillowResampler.resize(grayBytes(0, 0, 255, 255), 4, 1, 2, 1))).containsExactly(21, 234);
        // The same along y exercises the vertical pass.
        assertThat(red(PillowResampler.resize(grayBytes(0, 0, 255, 255), 1, 4, 1, 2))).containsExactly(21, 234);
    }

    @Test
    void doublingAStepClipsTheOvershoot() {
        // Upscale by 2 (support 2): output 0 centers at 0.25 and reads inputs 0, 1 with cubic(0.25), cubic(1.25):
        // 255 * -.0703125 / .796875 < 0 -> 0; output 1 reads cubic(-0.25), cubic(0.75): 255 * .2265625 / 1.09375
        // = 52.8 -> 53; the others mirror these.
        assertThat(red(PillowResampler.resize(grayBytes(0, 255), 2, 1, 4, 1))).containsExactly(0, 53, 202, 255);
    }

    @Test
    void matchesPillowOnAMixedResize() {
        // Pillow 12.3: Image.fromarray(a).resize((3, 7), Image.BICUBIC) of the 5x4 image a[y, x, c] = (37x + 91y + 53c) % 256.
        byte[] in = new byte[5 * 4 * 3];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                for (int c = 0; c < 3; c++) {
                    in[(y * 5 + x) * 3 + c] = (byte) ((x * 37 + y * 91 + c * 53) % 256);
                }
            }
        }
        int[] pillow = {6, 59, 111, 67, 119, 189, 128, 193, 255, 37, 94, 156, 106, 165, 145, 169, 171, 185, 97, 153,
                219, 164, 229, 73, 227, 132, 73, 170, 159, 132, 113, 136, 74, 139, 112, 110, 198, 139, 44, 52, 42, 112,
                52, 118, 167, 86, 100, 102, 76, 106, 178, 115, 177, 130, 16, 78, 143, 94, 152, 215, 160, 212, 103};
        assertThat(values(PillowResampler.resize(in, 5, 4, 3, 7))).containsExactly(pillow);
    }

    @Test
    void agreesWithAStraightforwardDoubleResampler() {
        SplittableRandom random = new SplittableRandom(11);
        int[][] sizes = {{50, 40, 28, 56}, {13, 17, 56, 28}, {300, 200, 112, 84}, {64, 64, 64, 20}, {9, 90, 30, 30}};
        for (int[] s : sizes) {
            byte[] in = new byte[s[0] * s[1] * 3];
            for (int i = 0; i < in.length; i++) {
                // Smooth structure plus noise, with some flat extremes to exercise the clipping.
                int pixel = i / 3;
                int base = (pixel % s[0]) * 255 / s[0] / 2 + (pixel / s[0]) * 255 / s[1] / 2;
                in[i] = (byte) (pixel % 11 == 0 ? 255 : Math.max(0, Math.min(255, base + random.nextInt(-40, 41))));
            }
            byte[] fast = PillowResampler.resize(in, s[0], s[1], s[2], s[3]);
            int[] reference = referenceResize(in, s[0], s[1], s[2], s[3]);
            for (int i = 0; i < fast.length; i++) {
                assertThat(Math.abs((fast[i] & 0xFF) - reference[i])).as("%dx%d->%dx%d at %d", s[0], s[1], s[2], s[3], i)
                        .isLessThanOrEqualTo(1);
            }
        }
    }

    // Conversion to RGB.

    @Test
    void grayIsCopiedAndTransparencyGoesOverWhite() {
        BufferedImage gray = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(0, 0, 0, 128);
        // getRGB would report 188 (it reads Java's gray as linear); Pillow's L -> RGB copies the value.
        assertThat(values(QwenImageProcessor.rgbBytes(gray, true))).containsExactly(128, 128, 128);

        BufferedImage argb = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 128 << 24 | 100 << 16 | 100 << 8 | 100);
        argb.setRGB(1, 0, 0);
        argb.setRGB(2, 0, 255 << 24 | 7 << 16 | 8 << 8 | 9);
        // Pillow's alpha_composite over white: (100, alpha 128) -> 177; fully transparent -> white; opaque kept.
        assertThat(values(QwenImageProcessor.rgbBytes(argb, true))).containsExactly(177, 177, 177, 255, 255, 255, 7, 8, 9);
        assertThat(values(QwenImageProcessor.rgbBytes(argb, false))).startsWith(100, 100, 100, 0, 0, 0);
    }

    // Reading the settings.

    @Test
    void readsTheOlderMinMaxPixelsLayout() throws Exception {
        Files.writeString(dir.resolve("preprocessor_config.json"), """
                {"min_pixels": 3136, "max_pixels": 12845056, "patch_size": 14, "temporal_patch_size": 2,
                 "merge_size": 2, "image_mean": [0.48145466, 0.4578275, 0.40821073],
                 "image_std": [0.26862954, 0.26130258, 0.27577711], "image_processor_type": "Qwen2VLImageProcessor"}
                """);
        QwenImageProcessor processor = QwenImageProcessor.read(dir, config(QwenVisionConfig.Generation.QWEN2_5_VL, 14));
        assertThat(processor.minPixels()).isEqualTo(3136);
        assertThat(processor.maxPixels()).isEqualTo(12845056);
        assertThat(processor.mean()).containsExactly(0.48145466f, 0.4578275f, 0.40821073f);
    }

    @Test
    void readsTheNewerSizeLayout() throws Exception {
        Files.writeString(dir.resolve("preprocessor_config.json"), """
                {"size": {"longest_edge": 16777216, "shortest_edge": 65536}, "patch_size": 16,
                 "temporal_patch_size": 2, "merge_size": 2, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5],
                 "processor_class": "Qwen3VLProcessor", "image_processor_type": "Qwen2VLImageProcessorFast"}
                """);
        QwenImageProcessor processor = QwenImageProcessor.read(dir, config(QwenVisionConfig.Generation.QWEN3_VL, 16));
        assertThat(processor.minPixels()).isEqualTo(65536);
        assertThat(processor.maxPixels()).isEqualTo(16777216);
        assertThat(processor.std()).containsExactly(0.5f, 0.5f, 0.5f);
    }

    @Test
    void topLevelMinMaxPixelsWinOverSize() throws Exception {
        Files.writeString(dir.resolve("preprocessor_config.json"), """
                {"size": {"longest_edge": 16777216, "shortest_edge": 65536}, "max_pixels": 1000000}
                """);
        QwenImageProcessor processor = QwenImageProcessor.read(dir, config(QwenVisionConfig.Generation.QWEN3_VL, 16));
        assertThat(processor.minPixels()).isEqualTo(65536);
        assertThat(processor.maxPixels()).isEqualTo(1000000);
    }

    @Test
    void readsTheImageProcessorOfProcessorConfig() throws Exception {
        Files.writeString(dir.resolve("processor_config.json"), """
                {"image_processor": {"size": {"longest_edge": 2000000, "shortest_edge": 4096}}}
                """);
        QwenImageProcessor processor = QwenImageProcessor.read(dir, config(QwenVisionConfig.Generation.QWEN3_VL, 16));
        assertThat(processor.minPixels()).isEqualTo(4096);
        assertThat(processor.maxPixels()).isEqualTo(2000000);
    }

    @Test
    void defaultsFollowTheGeneration() throws Exception {
        QwenImageProcessor qwen2 = QwenImageProcessor.read(dir, config(QwenVisionConfig.Generation.QWEN2_VL, 14));
        assertThat(qwen2.minPixels()).isEqualTo(56 * 56);
        assertThat(qwen2.maxPixels()).isEqualTo(28 * 28 * 1280);
        assertThat(qwen2.std()).containsExactly(0.26862954f, 0.26130258f, 0.27577711f);
        QwenImageProcessor qwen3 = QwenImageProcessor.read(dir, config(QwenVisionConfig.Generation.QWEN3_VL, 16));
        assertThat(qwen3.minPixels()).isEqualTo(65536);
        assertThat(qwen3.maxPixels()).isEqualTo(16777216);
        assertThat(qwen3.mean()).containsExactly(0.5f, 0.5f, 0.5f);
    }

    @Test
    void refusesAPatchSizeTheTowerDoesNotHave() throws Exception {
        Files.writeString(dir.resolve("preprocessor_config.json"), "{\"patch_size\": 14}");
        assertThatThrownBy(() -> QwenImageProcessor.read(dir, config(QwenVisionConfig.Generation.QWEN3_VL, 16)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("patch_size 14");
    }

    // Helpers.

    private static QwenVisionConfig config(QwenVisionConfig.Generation generation, int patchSize) {
        return new QwenVisionConfig(generation, 1, 16, 32, 2, 16, patchSize, 2, 2, 3, "silu", 0, List.of(), 0,
                List.of());
    }

    private static void fill(BufferedImage image, int rgb) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, rgb);
            }
        }
    }

    /** A pixel whose channels spell its coordinates: red y*16 + x, green 200 - x, blue 100 + y. */
    private static int coordinatePixel(int x, int y) {
        return (y * 16 + x) << 16 | (200 - x) << 8 | (100 + y);
    }

    private static float channel(int rgb, int c) {
        return (rgb >> (16 - 8 * c)) & 0xFF;
    }

    /** numpy's reshape(shape).transpose(perm).ravel() of a row-major array. */
    private static float[] transpose(float[] data, int[] shape, int[] perm) {
        int n = shape.length;
        int[] strides = new int[n];
        strides[n - 1] = 1;
        for (int i = n - 2; i >= 0; i--) {
            strides[i] = strides[i + 1] * shape[i + 1];
        }
        float[] out = new float[data.length];
        int[] index = new int[n];
        for (int o = 0; o < out.length; o++) {
            int source = 0;
            for (int i = 0; i < n; i++) {
                source += index[i] * strides[perm[i]];
            }
            out[o] = data[source];
            for (int i = n - 1; i >= 0; i--) {
                if (++index[i] < shape[perm[i]]) {
                    break;
                }
                index[i] = 0;
            }
        }
        return out;
    }

    private static byte[] grayBytes(int... values) {
        byte[] out = new byte[values.length * 3];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) values[i / 3];
        }
        return out;
    }

    /** Every byte as 0..255. */
    private static int[] values(byte[] bytes) {
        int[] out = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] & 0xFF;
        }
        return out;
    }

    /** The red channel of each pixel (all of a gray picture made by grayBytes). */
    private static int[] red(byte[] rgb) {
        int[] out = new int[rgb.length / 3];
        for (int i = 0; i < out.length; i++) {
            out[i] = rgb[i * 3] & 0xFF;
        }
        return out;
    }

    /**
     * The same filter written plainly, independently of Pillow's bookkeeping: for each output sample, the Keys
     * cubic (a = -0.5) widened by the scale when shrinking, weights normalized in double, each pass rounded to the
     * nearest integer and clamped to 0..255, horizontal first.
     */
    private static int[] referenceResize(byte[] rgb, int width, int height, int newWidth, int newHeight) {
        double[] in = new double[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            in[i] = rgb[i] & 0xFF;
        }
        double[] wide = new double[height * newWidth * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < newWidth; x++) {
                double[] w = referenceWeights(width, newWidth, x);
                for (int c = 0; c < 3; c++) {
                    double sum = 0;
                    for (int i = 0; i < width; i++) {
                        sum += w[i] * in[(y * width + i) * 3 + c];
                    }
                    wide[(y * newWidth + x) * 3 + c] = roundClamp(sum);
                }
            }
        }
        int[] out = new int[newHeight * newWidth * 3];
        for (int y = 0; y < newHeight; y++) {
            double[] w = referenceWeights(height, newHeight, y);
            for (int x = 0; x < newWidth; x++) {
                for (int c = 0; c < 3; c++) {
                    double sum = 0;
                    for (int i = 0; i < height; i++) {
                        sum += w[i] * wide[(i * newWidth + x) * 3 + c];
                    }
                    out[(y * newWidth + x) * 3 + c] = (int) roundClamp(sum);
                }
            }
        }
        return out;
    }

    /** Weights over every input sample (zero outside the kernel) for output sample {@code o}. */
    private static double[] referenceWeights(int inSize, int outSize, int o) {
        double[] w = new double[inSize];
        if (inSize == outSize) {
            w[o] = 1;
            return w;
        }
        double scale = (double) inSize / outSize;
        double stretch = Math.max(1, scale);
        double center = (o + 0.5) * scale;
        double total = 0;
        for (int i = 0; i < inSize; i++) {
            // Distance from the output sample's center to input pixel i's center, in kernel units.
            double d = Math.abs(i + 0.5 - center) / stretch;
            w[i] = d < 1 ? 1.5 * d * d * d - 2.5 * d * d + 1 : d < 2 ? -0.5 * d * d * d + 2.5 * d * d - 4 * d + 2 : 0;
            total += w[i];
        }
        for (int i = 0; i < inSize; i++) {
            w[i] /= total;
        }
        return w;
    }

    private static double roundClamp(double value) {
        return Math.max(0, Math.min(255, Math.floor(value + 0.5)));
    }
}
