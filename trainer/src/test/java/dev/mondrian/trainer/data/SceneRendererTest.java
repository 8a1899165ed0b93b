package dev.mondrian.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mondrian.trainer.data.PhotoProperties.Saturation;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SceneRendererTest {
    private final SceneRenderer renderer = new SceneRenderer();
    private final PropertyMeter meter = new PropertyMeter();

    @Test
    void theMeterReadsBackWhatTheRendererWasAskedForOnEveryProperty() {
        assertAgreement(renderer, 240, 42, 0.97);
    }

    @Test
    void theFirstDrawAloneIsUsuallyRight() {
        // Redraws only mop up after the scene design, which must hit the meter by itself.
        assertAgreement(new SceneRenderer(1), 120, 43, 0.85);
    }

    private void assertAgreement(SceneRenderer renderer, int renders, long seed, double least) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] sizes = {64, 96, 128, 160};
        Map<Property, Integer> agreed = new EnumMap<>(Property.class);
        for (int i = 0; i < renders; i++) {
            PhotoProperties target = PhotoProperties.random(random);
            int size = sizes[i % sizes.length];
            PhotoProperties measured = meter.measure(renderer.render(target, random.nextLong(), size, size));
            for (Property property : Property.values()) {
                if (property.of(measured) == property.of(target)) {
                    agreed.merge(property, 1, Integer::sum);
                }
            }
        }
        String report = Arrays.stream(Property.values())
                .map(p -> "%s %.1f%%".formatted(p.label(), 100.0 * agreed.getOrDefault(p, 0) / renders))
                .collect(Collectors.joining(", "));
        for (Property property : Property.values()) {
            assertThat(agreed.getOrDefault(property, 0) / (double) renders).as(report).isGreaterThanOrEqualTo(least);
        }
    }

    @Test
    void aRenderDependsOnlyOnTargetSeedAndSize() {
        PhotoProperties target = PhotoProperties.random(new SplittableRandom(5));
        assertThat(pixels(renderer.render(target, 77, 96, 96))).isEqualTo(pixels(renderer.render(target, 77, 96, 96)));
    }

    @Test
    void theSamePropertiesWithDifferentSeedsGiveSubstantiallyDifferentPictures() {
        SplittableRandom random = new SplittableRandom(6);
        for (int t = 0; t < 3; t++) {
            PhotoProperties target = PhotoProperties.random(random);
            int[][] images = new int[6][];
            for (int s = 0; s < images.length; s++) {
                images[s] = pixels(renderer.render(target, 1000 + s, 96, 96));
            }
            for (int a = 0; a < images.length; a++) {
                for (int b = a + 1; b < images.length; b++) {
                    // Mean absolute difference per channel, in 8-bit levels: 12 is a clearly different picture.
                    assertThat(meanDifference(images[a], images[b])).as("%s seeds %d and %d", target, a, b)
                            .isGreaterThan(12);
                }
            }
        }
    }

    @Test
    void anySizeRenders() {
        PhotoProperties target = PhotoProperties.random(new SplittableRandom(8));
        for (int[] size : new int[][] {{1, 1}, {9, 40}, {200, 60}, {256, 256}}) {
            BufferedImage image = renderer.render(target, 3, size[0], size[1]);
            assertThat(image.getWidth()).isEqualTo(size[0]);
            assertThat(image.getHeight()).isEqualTo(size[1]);
        }
        assertThatThrownBy(() -> renderer.render(target, 3, 0, 10)).hasMessageContaining("image size must be positive");
    }

    @Test
    void anUnrenderableTargetIsRefused() {
        PhotoProperties grey = PhotoProperties.random(new SplittableRandom(9))
                .with(Property.PALETTE, PhotoProperties.Palette.NEUTRAL)
                .with(Property.TEMPERATURE, PhotoProperties.Temperature.NEUTRAL)
                .with(Property.SATURATION, Saturation.VIVID);
        assertThatThrownBy(() -> renderer.render(grey, 1, 64, 64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot render");
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static double meanDifference(int[] a, int[] b) {
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            for (int shift = 0; shift <= 16; shift += 8) {
                sum += Math.abs((a[i] >> shift & 0xFF) - (b[i] >> shift & 0xFF));
            }
        }
        return sum / (3.0 * a.length);
    }
}
