package dev.mondrian.trainer.data;

import dev.mondrian.trainer.data.SubjectKind.Part;
import dev.mondrian.trainer.data.SubjectKind.Role;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.List;

/**
 * The main subject, sized and moved until the part of it inside the frame covers the wanted area with its centre
 * where the placement wants it, while keeping off the frame's border (a subject cut by the edge would read as
 * background).
 *
 * @param scale the subject's height in scene units
 * @param u the scene position of its local origin
 * @param v the scene position of its local origin
 */
record SubjectLayer(List<Part> parts, Tone body, Tone detail, double scale, double u, double v) {

    // The border band the subject should keep out of: the meter's background ring is 2 of 32 grid cells.
    private static final double BORDER_BAND = 0.07;
    private static final double MAX_BORDER_COVER = 0.03;
    private static final int POSITION_ROUNDS = 3;
    private static final int SHRINK_ROUNDS = 8;

    static SubjectLayer place(List<Part> parts, Tone body, Tone detail, SceneFrame frame, double targetX,
                              double targetY, double targetArea) {
        double[] start = frame.sceneOf(targetX, targetY);
        SubjectLayer trial = new SubjectLayer(parts, body, detail, 0.3, 0, 0);
        Coverage centred = trial.coverage(frame);
        double pixelsPerScaleSquared = centred.area / (0.3 * 0.3);
        double scale = Math.sqrt(targetArea * frame.width() * frame.height() / Math.max(1e-9, pixelsPerScaleSquared));
        SubjectLayer layer = new SubjectLayer(parts, body, detail, scale, start[0], start[1]);
        for (int shrink = 0; shrink < SHRINK_ROUNDS; shrink++) {
            Coverage coverage = null;
            for (int round = 0; round < POSITION_ROUNDS; round++) {
                coverage = layer.coverage(frame);
                if (coverage.area <= 0) {
                    break;
                }
                double[] shift = frame.sceneShift((targetX - coverage.x) * frame.width(),
                        (targetY - coverage.y) * frame.height());
                layer = new SubjectLayer(parts, body, detail, layer.scale, layer.u + shift[0], layer.v + shift[1]);
            }
            coverage = layer.coverage(frame);
            if (coverage.borderShare <= MAX_BORDER_COVER) {
                return layer;
            }
            layer = new SubjectLayer(parts, body, detail, layer.scale * 0.85, layer.u, layer.v);
        }
        return layer;
    }

    /** Paints the parts over the image, each lit a little from one side so it reads as a solid. */
    void paint(FloatImage image, SceneFrame frame) {
        for (Part part : parts) {
            float[] mask = mask(frame, List.of(part));
            Tone tone = part.role() == Role.BODY ? body : detail;
            float[] lit = tone.withLuma(tone.luma() + 0.04).rgb();
            float[] shade = tone.withLuma(tone.luma() - 0.04).rgb();
            int left = image.width;
            int right = 0;
            for (int i = 0; i < mask.length; i++) {
                if (mask[i] > 0) {
                    left = Math.min(left, i % image.width);
                    right = Math.max(right, i % image.width);
                }
            }
            for (int y = 0; y < image.height; y++) {
                for (int x = 0; x < image.width; x++) {
                    int i = y * image.width + x;
                    float m = mask[i];
                    if (m <= 0) {
                        continue;
                    }
                    float side = (float) (x - left) / Math.max(1, right - left);
                    image.r[i] = image.r[i] * (1 - m) + m * (lit[0] * (1 - side) + shade[0] * side);
                    image.g[i] = image.g[i] * (1 - m) + m * (lit[1] * (1 - side) + shade[1] * side);
                    image.b[i] = image.b[i] * (1 - m) + m * (lit[2] * (1 - side) + shade[2] * side);
                }
            }
        }
    }

    /** The scene-space vertical extent (top, bottom) of the subject, for fitting the horizon around it. */
    double[] verticalExtent() {
        java.awt.geom.Area all = new java.awt.geom.Area();
        for (Part part : parts) {
            all.add(new java.awt.geom.Area(part.shape()));
        }
        java.awt.geom.Rectangle2D box = all.getBounds2D();
        return new double[] {v + scale * box.getMinY(), v + scale * box.getMaxY()};
    }

    /** The subject's coverage of each pixel, 0 to 1. */
    float[] mask(SceneFrame frame) {
        return mask(frame, parts);
    }

    private float[] mask(SceneFrame frame, List<Part> drawn) {
        BufferedImage canvas = new BufferedImage(frame.width(), frame.height(), BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = canvas.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        AffineTransform transform = frame.sceneToPixels();
        transform.translate(u, v);
        transform.scale(scale, scale);
        g.setTransform(transform);
        g.setColor(java.awt.Color.WHITE);
        for (Part part : drawn) {
            g.fill(part.shape());
        }
        g.dispose();
        byte[] bytes = ((DataBufferByte) canvas.getRaster().getDataBuffer()).getData();
        float[] mask = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            mask[i] = (bytes[i] & 0xFF) / 255f;
        }
        return mask;
    }

    /** Visible area in pixels, its centre as shares of the frame, and the share of the border band it covers. */
    private record Coverage(double area, double x, double y, double borderShare) {}

    private Coverage coverage(SceneFrame frame) {
        float[] mask = mask(frame);
        int w = frame.width();
        int h = frame.height();
        double bandX = BORDER_BAND * w;
        double bandY = BORDER_BAND * h;
        double area = 0;
        double sumX = 0;
        double sumY = 0;
        double band = 0;
        int bandPixels = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float m = mask[y * w + x];
                area += m;
                sumX += m * (x + 0.5);
                sumY += m * (y + 0.5);
                if (x < bandX || y < bandY || x >= w - bandX || y >= h - bandY) {
                    band += m;
                    bandPixels++;
                }
            }
        }
        return area <= 0 ? new Coverage(0, 0.5, 0.5, 0)
                : new Coverage(area, sumX / area / w, sumY / area / h, band / Math.max(1, bandPixels));
    }
}
