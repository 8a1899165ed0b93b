package dev.mondrian.runner.model.llava;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagePreprocessorTest {
    @TempDir
    Path dir;

    @Test
    void rescalesAndNormalizesEachChannelIntoChannelFirstRows() throws Exception {
        Files.writeString(dir.resolve("preprocessor_config.json"), """
                {"do_resize": true, "size": {"height": 6, "width": 6}, "do_center_crop": false,
                 "do_rescale": true, "rescale_factor": 0.00392156862745098, "do_normalize": true,
                 "image_mean": [0.5, 0.4, 0.3], "image_std": [0.2, 0.25, 0.5]}
                """);
        BufferedImage image = new BufferedImage(6, 6, BufferedImage.TYPE_INT_RGB);
        SplittableRandom random = new SplittableRandom(3);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 6; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        float[] pixels = ImagePreprocessor.read(dir, 6).apply(image);

        double[] mean = {0.5, 0.4, 0.3};
        double[] std = {0.2, 0.25, 0.5};
        assertThat(pixels).hasSize(3 * 6 * 6);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 6; y++) {
                for (int x = 0; x < 6; x++) {
                    int value = (image.getRGB(x, y) >> (16 - 8 * c)) & 0xFF;
                    assertThat((double) pixels[(c * 6 + y) * 6 + x]).isCloseTo((value / 255.0 - mean[c]) / std[c], within(1e-5));
                }
            }
        }
    }

    @Test
    void resizesTheShortestEdgeThenCropsTheCentre() throws Exception {
        Files.writeString(dir.resolve("preprocessor_config.json"), """
                {"do_resize": true, "size": {"shortest_edge": 12}, "do_center_crop": true,
                 "crop_size": {"height": 12, "width": 12}, "do_rescale": true, "rescale_factor": 0.00392156862745098,
                 "do_normalize": false}
                """);
        // 36x24 in thirds: red, green, blue. Resized to 18x12, the centre crop keeps x 3..14 of it.
        BufferedImage image = new BufferedImage(36, 24, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        Color[] thirds = {Color.RED, Color.GREEN, Color.BLUE};
        for (int i = 0; i < 3; i++) {
            g.setColor(thirds[i]);
            g.fillRect(12 * i, 0, 12, 24);
        }
        g.dispose();
        float[] pixels = ImagePreprocessor.read(dir, 12).apply(image);

        assertThat(pixels).hasSize(3 * 12 * 12);
        int row = 6 * 12;
        int plane = 12 * 12;
        // Column 0 is source column 3 of 18: red; column 6 is 9: green; column 11 is 14: blue.
        assertThat(pixels[row]).isCloseTo(1f, within(0.05f));
        assertThat(pixels[plane + row + 6]).isCloseTo(1f, within(0.05f));
        assertThat(pixels[2 * plane + row + 11]).isCloseTo(1f, within(0.05f));
        assertThat(pixels[plane + row]).isCloseTo(0f, within(0.05f));
    }
}
