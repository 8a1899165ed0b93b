package dev.mondrian.trainer.data;

import dev.mondrian.trainer.data.PhotoProperties.Horizon;
import dev.mondrian.trainer.data.PhotoProperties.Placement;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * Photographs drawn here, pixel by pixel, with none of the training renderer's code: a sky over land or water
 * split by a horizon (level, tilted, or none at all), a round subject somewhere in the frame, film grain, and
 * sometimes a blur. The meter measures their properties as it does any photo's; the horizon and the subject's
 * place are also known as drawn, classed by the meter's own rules, so the meter itself can be checked.
 */
public final class DrawnPhotos {
    public static final int SIZE = 96;

    /** A drawn photo, with its horizon and the place of its subject as they were drawn. */
    public record Drawn(BufferedImage image, Horizon horizon, Placement placement) {}

    private DrawnPhotos() {}

    public static Drawn draw(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] rgb = new float[3][SIZE * SIZE];
        float[] sky = colour(random);
        float[] land = colour(random);
        float[] subject = colour(random);
        double light = 0.5 + random.nextDouble();
        double landShade = 0.4 + random.nextDouble() * 0.8;
        boolean horizon = random.nextInt(4) != 0;
        double tilt = Math.toRadians(new double[] {0, 0, 7, -7}[random.nextInt(4)]);
        double level = SIZE * (0.35 + random.nextDouble() * 0.3);
        double cx = SIZE * new double[] {1 / 3.0, 2 / 3.0, 0.5, 0.08, 0.92}[random.nextInt(5)];
        double cy = SIZE * new double[] {1 / 3.0, 2 / 3.0, 0.5}[random.nextInt(3)];
        double radius = SIZE * (0.05 + random.nextDouble() * 0.2);
        double grain = 0.03;
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double line = level + Math.tan(tilt) * (x - SIZE / 2.0);
                boolean below = horizon && y > line;
                boolean inSubject = Math.hypot(x - cx, y - cy) < radius;
                float[] c = inSubject ? subject : below ? land : sky;
                double shade = below ? landShade : 1 - 0.3 * y / SIZE;
                for (int k = 0; k < 3; k++) {
                    rgb[k][y * SIZE + x] = (float) (c[k] * shade * light + random.nextGaussian() * grain);
                }
            }
        }
        if (random.nextBoolean()) {
            for (int pass = 0; pass < 3; pass++) {
                for (float[] channel : rgb) {
                    blur(channel);
                }
            }
        }
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < SIZE * SIZE; i++) {
            image.setRGB(i % SIZE, i / SIZE, byteOf(rgb[0][i]) << 16 | byteOf(rgb[1][i]) << 8 | byteOf(rgb[2][i]));
        }
        return new Drawn(image, horizon ? Measurements.horizonAt(Math.toDegrees(tilt)) : Horizon.NONE,
                Measurements.placementAt(cx / SIZE, cy / SIZE));
    }

    /** A random colour between grey and fully saturated, of a random hue (HSV to RGB). */
    private static float[] colour(SplittableRandom random) {
        double hue = random.nextDouble() * 6;
        double saturation = random.nextDouble() * random.nextDouble();
        double value = 0.35 + random.nextDouble() * 0.6;
        float[] c = new float[3];
        int[] offsets = {5, 3, 1};
        for (int k = 0; k < 3; k++) {
            double h = (offsets[k] + hue) % 6;
            c[k] = (float) (value - value * saturation * Math.max(0, Math.min(1, Math.min(h, 4 - h))));
        }
        return c;
    }

    /** A 5x5 box blur, edges clamped. */
    private static void blur(float[] channel) {
        float[] source = channel.clone();
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double sum = 0;
                for (int dy = -2; dy <= 2; dy++) {
                    for (int dx = -2; dx <= 2; dx++) {
                        int sx = Math.clamp(x + dx, 0, SIZE - 1);
                        int sy = Math.clamp(y + dy, 0, SIZE - 1);
                        sum += source[sy * SIZE + sx];
                    }
                }
                channel[y * SIZE + x] = (float) (sum / 25);
            }
        }
    }

    private static int byteOf(float value) {
        return Math.clamp(Math.round(value * 255), 0, 255);
    }
}
