package dev.mondrian.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.trainer.data.PhotoProperties.Contrast;
import dev.mondrian.trainer.data.PhotoProperties.Exposure;
import dev.mondrian.trainer.data.PhotoProperties.Horizon;
import dev.mondrian.trainer.data.PhotoProperties.NegativeSpace;
import dev.mondrian.trainer.data.PhotoProperties.Palette;
import dev.mondrian.trainer.data.PhotoProperties.Placement;
import dev.mondrian.trainer.data.PhotoProperties.Saturation;
import dev.mondrian.trainer.data.PhotoProperties.Sharpness;
import dev.mondrian.trainer.data.PhotoProperties.Temperature;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The meter on pictures drawn here from scratch, without the renderer. */
class PropertyMeterTest {
    private final PropertyMeter meter = new PropertyMeter();

    @Test
    void meanBrightnessDecidesExposure() {
        assertThat(meter.measure(plain(128, new Color(40, 40, 40))).exposure()).isEqualTo(Exposure.UNDEREXPOSED);
        assertThat(meter.measure(plain(128, new Color(125, 125, 125))).exposure()).isEqualTo(Exposure.BALANCED);
        assertThat(meter.measure(plain(128, new Color(225, 225, 225))).exposure()).isEqualTo(Exposure.OVEREXPOSED);
    }

    @Test
    void luminanceSpreadDecidesContrast() {
        assertThat(meter.measure(plain(128, Color.GRAY)).contrast()).isEqualTo(Contrast.FLAT);
        BufferedImage halves = plain(128, new Color(20, 20, 20));
        fill(halves, new Color(235, 235, 235), 0, 0, 64, 128);
        assertThat(meter.measure(halves).contrast()).isEqualTo(Contrast.PUNCHY);
        BufferedImage steps = plain(128, new Color(90, 90, 90));
        fill(steps, new Color(170, 170, 170), 0, 0, 64, 128);
        assertThat(meter.measure(steps).contrast()).isEqualTo(Contrast.MODERATE);
    }

    @Test
    void aGreyPictureIsNeutralAndMuted() {
        PhotoProperties grey = meter.measure(plain(96, new Color(128, 128, 128)));
        assertThat(grey.palette()).isEqualTo(Palette.NEUTRAL);
        assertThat(grey.saturation()).isEqualTo(Saturation.MUTED);
        assertThat(grey.temperature()).isEqualTo(Temperature.NEUTRAL);
    }

    @Test
    void hueFamilyTemperatureAndChromaFollowTheColour() {
        PhotoProperties blue = meter.measure(plain(96, new Color(40, 90, 220)));
        assertThat(blue.palette()).isEqualTo(Palette.BLUE);
        assertThat(blue.temperature()).isEqualTo(Temperature.COOL);
        assertThat(blue.saturation()).isEqualTo(Saturation.VIVID);
        PhotoProperties orange = meter.measure(plain(96, new Color(200, 120, 60)));
        assertThat(orange.palette()).isEqualTo(Palette.ORANGE);
        assertThat(orange.temperature()).isEqualTo(Temperature.WARM);
        PhotoProperties green = meter.measure(plain(96, new Color(120, 140, 120)));
        assertThat(green.palette()).isEqualTo(Palette.GREEN);
        assertThat(green.temperature()).isEqualTo(Temperature.NEUTRAL);
        assertThat(green.saturation()).isEqualTo(Saturation.MUTED);
        PhotoProperties purple = meter.measure(plain(96, new Color(140, 110, 150)));
        assertThat(purple.palette()).isEqualTo(Palette.PURPLE);
        assertThat(purple.saturation()).isEqualTo(Saturation.NATURAL);
    }

    @Test
    void aSmallColouredSubjectOnGreyNamesThePaletteWhileTheFrameStaysMuted() {
        BufferedImage image = plain(128, new Color(120, 120, 120));
        fill(image, new Color(220, 40, 40), 48, 48, 36, 36);
        PhotoProperties p = meter.measure(image);
        assertThat(p.palette()).isEqualTo(Palette.RED);
        assertThat(p.saturation()).isEqualTo(Saturation.MUTED);
    }

    @Test
    void fineGrainIsCrispAndTheSamePictureBlurredIsSoft() {
        BufferedImage noisy = noise(128, 40, 7);
        assertThat(meter.measure(noisy).sharpness()).isEqualTo(Sharpness.CRISP);
        assertThat(meter.measure(blurred(noisy)).sharpness()).isEqualTo(Sharpness.SOFT);
        BufferedImage edge = plain(128, new Color(60, 60, 60));
        fill(edge, new Color(200, 200, 200), 64, 0, 64, 128);
        assertThat(meter.measure(edge).sharpness()).isEqualTo(Sharpness.CRISP);
        assertThat(meter.measure(blurred(edge)).sharpness()).isEqualTo(Sharpness.SOFT);
    }

    @Test
    void aLongLineTurnedClockwiseLevelOrCounterclockwiseIsReadSo() {
        assertThat(meter.measure(line(160, 8)).horizon()).isEqualTo(Horizon.TILTED_CLOCKWISE);
        assertThat(meter.measure(line(160, -8)).horizon()).isEqualTo(Horizon.TILTED_COUNTERCLOCKWISE);
        assertThat(meter.measure(line(160, 0.5)).horizon()).isEqualTo(Horizon.LEVEL);
        assertThat(meter.measurements(line(160, 8)).horizonDegrees()).isCloseTo(8, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void noLongNearLevelLineMeansNoHorizon() {
        assertThat(meter.measure(dot(128, 0.5, 0.5, 0.05)).horizon()).isEqualTo(Horizon.NONE);
        assertThat(meter.measure(line(160, 45)).horizon()).isEqualTo(Horizon.NONE);
        assertThat(meter.measure(noise(128, 40, 3)).horizon()).isEqualTo(Horizon.NONE);
        BufferedImage shortLine = plain(160, new Color(200, 200, 200));
        draw(shortLine, new Line2D.Double(60, 80, 100, 80));
        assertThat(meter.measure(shortLine).horizon()).isEqualTo(Horizon.NONE);
    }

    @Test
    void aDotAtAThirdsPointIsOnTheThirdsAtTheCentreCentredAndByTheBorderNearTheEdge() {
        assertThat(meter.measure(dot(120, 1 / 3.0, 1 / 3.0, 0.05)).placement()).isEqualTo(Placement.ON_THIRDS);
        assertThat(meter.measure(dot(120, 2 / 3.0, 1 / 3.0, 0.05)).placement()).isEqualTo(Placement.ON_THIRDS);
        assertThat(meter.measure(dot(120, 0.5, 0.5, 0.05)).placement()).isEqualTo(Placement.CENTERED);
        assertThat(meter.measure(dot(120, 0.1, 0.5, 0.05)).placement()).isEqualTo(Placement.NEAR_EDGE);
        assertThat(meter.measure(dot(120, 0.5, 0.9, 0.05)).placement()).isEqualTo(Placement.NEAR_EDGE);
        Measurements m = meter.measurements(dot(120, 0.7, 0.3, 0.05));
        assertThat(m.subjectX()).isCloseTo(0.7, org.assertj.core.data.Offset.offset(0.03));
        assertThat(m.subjectY()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.03));
    }

    @Test
    void aSmallDotOnPlainGroundIsOpenAndBusyTextureEverywhereIsCrowded() {
        assertThat(meter.measure(dot(128, 0.4, 0.6, 0.05)).negativeSpace()).isEqualTo(NegativeSpace.OPEN);
        assertThat(meter.measure(blocks(128, 6, 5)).negativeSpace()).isEqualTo(NegativeSpace.CROWDED);
        BufferedImage half = blocks(128, 6, 5);
        fill(half, Color.GRAY, 0, 0, 128, 64);
        assertThat(meter.measure(half).negativeSpace()).isEqualTo(NegativeSpace.BALANCED);
    }

    @Test
    void anyImageSizeCanBeMeasured() {
        for (int[] size : new int[][] {{1, 1}, {2, 9}, {7, 300}, {300, 7}, {640, 480}}) {
            BufferedImage image = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
            assertThat(meter.measure(image)).isNotNull();
        }
        assertThat(meter.measure(noise(700, 60, 1)).sharpness()).isEqualTo(Sharpness.CRISP);
    }

    private static BufferedImage plain(int size, Color colour) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        fill(image, colour, 0, 0, size, size);
        return image;
    }

    private static void fill(BufferedImage image, Color colour, int x, int y, int w, int h) {
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(x, y, w, h);
        g.dispose();
    }

    /** A dark disc of the given radius (share of the side) centred at (x, y) on pale ground. */
    private static BufferedImage dot(int size, double x, double y, double radius) {
        BufferedImage image = plain(size, new Color(215, 210, 200));
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(30, 30, 40));
        double r = radius * size;
        g.fill(new Ellipse2D.Double(x * size - r, y * size - r, 2 * r, 2 * r));
        g.dispose();
        return image;
    }

    /** A line through the centre across the whole frame, turned clockwise by the given degrees. */
    private static BufferedImage line(int size, double degrees) {
        BufferedImage image = plain(size, new Color(200, 200, 200));
        double dx = size * Math.cos(Math.toRadians(degrees));
        double dy = size * Math.sin(Math.toRadians(degrees));
        draw(image, new Line2D.Double(size / 2.0 - dx, size / 2.0 - dy, size / 2.0 + dx, size / 2.0 + dy));
        return image;
    }

    private static void draw(BufferedImage image, Line2D line) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(40, 40, 40));
        g.setStroke(new BasicStroke(2));
        g.draw(line);
        g.dispose();
    }

    /** Mid-grey with independent grey noise of the given amplitude on every pixel. */
    private static BufferedImage noise(int size, int amplitude, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int v = 128 + random.nextInt(2 * amplitude + 1) - amplitude;
                image.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        return image;
    }

    /** A patchwork of random light and dark squares of the given side. */
    private static BufferedImage blocks(int size, int block, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y += block) {
            for (int x = 0; x < size; x += block) {
                int v = 60 + random.nextInt(140);
                fill(image, new Color(v, v, v), x, y, block, block);
            }
        }
        return image;
    }

    /** Two 7×7 box blurs, cropped to where they reached (the op leaves a border of the width unfiltered). */
    private static BufferedImage blurred(BufferedImage image) {
        float[] weights = new float[7 * 7];
        java.util.Arrays.fill(weights, 1f / weights.length);
        ConvolveOp box = new ConvolveOp(new Kernel(7, 7, weights), ConvolveOp.EDGE_NO_OP, null);
        BufferedImage once = box.filter(image, new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB));
        BufferedImage twice = box.filter(once, new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB));
        return twice.getSubimage(6, 6, image.getWidth() - 12, image.getHeight() - 12);
    }
}
