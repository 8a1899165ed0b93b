package dev.mondrian.trainer.data;

import java.awt.geom.AffineTransform;

/**
 * The camera: maps scene coordinates (origin at the frame centre, one unit = the frame's shorter side, y down)
 * to pixels, turned by the tilt. A positive tilt turns the scene clockwise as the viewer sees it, so a level
 * scene line comes out with its right end lower.
 */
record SceneFrame(int width, int height, double tiltDegrees) {

    double unit() {
        return Math.min(width, height);
    }

    AffineTransform sceneToPixels() {
        AffineTransform transform = AffineTransform.getTranslateInstance(width / 2.0, height / 2.0);
        transform.rotate(Math.toRadians(tiltDegrees));
        transform.scale(unit(), unit());
        return transform;
    }

    /** Scene coordinates (u, v) of every pixel centre, row-major, as two arrays. */
    float[][] sceneCoordinates() {
        float[] u = new float[width * height];
        float[] v = new float[width * height];
        double cos = Math.cos(Math.toRadians(tiltDegrees));
        double sin = Math.sin(Math.toRadians(tiltDegrees));
        for (int y = 0; y < height; y++) {
            double dy = (y + 0.5 - height / 2.0) / unit();
            for (int x = 0; x < width; x++) {
                double dx = (x + 0.5 - width / 2.0) / unit();
                u[y * width + x] = (float) (cos * dx + sin * dy);
                v[y * width + x] = (float) (-sin * dx + cos * dy);
            }
        }
        return new float[][] {u, v};
    }

    /** The scene point under a frame position given as shares of width and height. */
    double[] sceneOf(double shareX, double shareY) {
        double dx = (shareX - 0.5) * width / unit();
        double dy = (shareY - 0.5) * height / unit();
        double cos = Math.cos(Math.toRadians(tiltDegrees));
        double sin = Math.sin(Math.toRadians(tiltDegrees));
        return new double[] {cos * dx + sin * dy, -sin * dx + cos * dy};
    }

    /** A frame displacement in pixels as a scene displacement. */
    double[] sceneShift(double dxPixels, double dyPixels) {
        double cos = Math.cos(Math.toRadians(tiltDegrees));
        double sin = Math.sin(Math.toRadians(tiltDegrees));
        return new double[] {(cos * dxPixels + sin * dyPixels) / unit(), (-sin * dxPixels + cos * dyPixels) / unit()};
    }
}
