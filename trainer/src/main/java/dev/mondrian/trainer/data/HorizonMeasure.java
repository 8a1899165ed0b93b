package dev.mondrian.trainer.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The dominant long, near-horizontal straight line: a small Hough transform over edge pixels, each voting only
 * for angles close to its own edge direction (from the colour structure tensor), so texture rarely lines up.
 */
final class HorizonMeasure {
    // Hough angle bins, in degrees; a line fit refines the angle afterwards.
    private static final double ANGLE_STEP = 0.5;
    // A pixel votes for lines within this many degrees of its own edge direction.
    private static final double VOTE_TOLERANCE = 3;
    // Edge pixels within this many pixels of the Hough line take part in the fit.
    private static final double NEAR_LINE = 3;
    // Pixels of blur before looking for edges, so film grain and pixel noise do not pass for edges.
    private static final double PRE_BLUR = 1;
    // Gaps up to this many columns in a line's edge pixels still count as line (noise breaks faint edges).
    private static final int MAX_GAP = 5;

    private HorizonMeasure() {}

    /** The line's angle and how much of the width its edge pixels cover. */
    record Line(double degrees, double length) {}

    /**
     * The strongest line within {@link Thresholds#HORIZON_SEARCH_DEGREES} of horizontal, in degrees (positive
     * when its right end is lower), with its length as a share of the width; length 0 when there is no edge.
     */
    static Line of(FloatImage image) {
        FloatImage view = Blur.gaussian(image.fittedWithin(Thresholds.HORIZON_MAX_SIDE), PRE_BLUR);
        int w = view.width;
        int h = view.height;
        if (w < 5 || h < 5) {
            return new Line(0, 0);
        }
        float[][] tensor = structureTensor(view);
        float[] strength = new float[w * h];
        float[] normal = new float[w * h];
        for (int i = 0; i < w * h; i++) {
            double xx = tensor[0][i];
            double yy = tensor[1][i];
            double xy = tensor[2][i];
            double root = Math.sqrt((xx - yy) * (xx - yy) + 4 * xy * xy);
            strength[i] = (float) Math.sqrt(Math.max(0, (xx + yy + root) / 2));
            normal[i] = (float) (0.5 * Math.atan2(2 * xy, xx - yy));
        }
        double threshold = Math.max(Thresholds.HORIZON_EDGE_FLOOR,
                Thresholds.HORIZON_EDGE_SHARE * Percentile.of(strength, 0.99));
        // Edge pixels: strong enough, at the crest across the edge (so an edge is one pixel thick), and running
        // near horizontal. Their direction is the gradient's axis turned a quarter, with y pointing down.
        List<int[]> edges = new ArrayList<>();
        List<Double> directions = new ArrayList<>();
        for (int y = 2; y < h - 2; y++) {
            for (int x = 2; x < w - 2; x++) {
                int i = y * w + x;
                if (strength[i] <= threshold) {
                    continue;
                }
                int step = (int) Math.round(Math.sin(normal[i])) * w + (int) Math.round(Math.cos(normal[i]));
                if (strength[i] < strength[i + step] || strength[i] <= strength[i - step]) {
                    continue;
                }
                double direction = Math.toDegrees(normal[i]) + 90;
                direction = direction > 90 ? direction - 180 : direction;
                if (Math.abs(direction) <= Thresholds.HORIZON_SEARCH_DEGREES + VOTE_TOLERANCE) {
                    edges.add(new int[] {x, y});
                    directions.add(direction);
                }
            }
        }
        double[] peak = houghPeak(edges, directions, w, h);
        return refined(edges, directions, peak[0], peak[1], w);
    }

    /** The (angle, offset at the centre column) with the most votes. */
    private static double[] houghPeak(List<int[]> edges, List<Double> directions, int w, int h) {
        int angles = (int) Math.round(2 * Thresholds.HORIZON_SEARCH_DEGREES / ANGLE_STEP) + 1;
        // Offsets: where the line crosses the centre column, which may lie above or below the frame.
        int offsets = 3 * h;
        int[] votes = new int[angles * offsets];
        double centre = (w - 1) / 2.0;
        int reach = (int) Math.round(VOTE_TOLERANCE / ANGLE_STEP);
        for (int e = 0; e < edges.size(); e++) {
            int x = edges.get(e)[0];
            int y = edges.get(e)[1];
            int own = (int) Math.round((directions.get(e) + Thresholds.HORIZON_SEARCH_DEGREES) / ANGLE_STEP);
            for (int a = Math.max(0, own - reach); a <= Math.min(angles - 1, own + reach); a++) {
                double tangent = Math.tan(Math.toRadians(-Thresholds.HORIZON_SEARCH_DEGREES + a * ANGLE_STEP));
                int offset = (int) Math.round(y - (x - centre) * tangent) + h;
                if (offset >= 0 && offset < offsets) {
                    votes[a * offsets + offset]++;
                }
            }
        }
        int best = 0;
        for (int k = 1; k < votes.length; k++) {
            if (votes[k] > votes[best]) {
                best = k;
            }
        }
        return new double[] {-Thresholds.HORIZON_SEARCH_DEGREES + (best / offsets) * ANGLE_STEP, best % offsets - h};
    }

    /**
     * The Hough peak's angle is only as fine as its bins: fit a straight line to the edge pixels near it (twice,
     * the second time near the first fit), and count the columns they cover for its length.
     */
    private static Line refined(List<int[]> edges, List<Double> directions, double degrees, double offset, int w) {
        double centre = (w - 1) / 2.0;
        double slope = Math.tan(Math.toRadians(degrees));
        boolean[] covered = new boolean[w];
        for (int round = 0; round < 2; round++) {
            java.util.Arrays.fill(covered, false);
            double n = 0;
            double sx = 0;
            double sy = 0;
            double sxx = 0;
            double sxy = 0;
            double lineDegrees = Math.toDegrees(Math.atan(slope));
            for (int e = 0; e < edges.size(); e++) {
                double x = edges.get(e)[0] - centre;
                double y = edges.get(e)[1];
                if (Math.abs(y - offset - slope * x) <= NEAR_LINE
                        && Math.abs(directions.get(e) - lineDegrees) <= VOTE_TOLERANCE) {
                    covered[edges.get(e)[0]] = true;
                    n++;
                    sx += x;
                    sy += y;
                    sxx += x * x;
                    sxy += x * y;
                }
            }
            double spread = n * sxx - sx * sx;
            if (n < 2 || spread <= 0) {
                break;
            }
            slope = (n * sxy - sx * sy) / spread;
            offset = (sy - slope * sx) / n;
        }
        int columns = 0;
        int lastCovered = -1;
        for (int x = 0; x < w; x++) {
            if (covered[x]) {
                columns += lastCovered >= 0 && x - lastCovered <= MAX_GAP + 1 ? x - lastCovered : 1;
                lastCovered = x;
            }
        }
        return new Line(Math.toDegrees(Math.atan(slope)), columns / (double) (w - 4));
    }

    /** Per pixel, the colour gradient's structure tensor (xx, yy, xy summed over channels), smoothed 3×3. */
    private static float[][] structureTensor(FloatImage view) {
        int w = view.width;
        int h = view.height;
        float[][] raw = new float[3][w * h];
        for (float[] plane : new float[][] {view.r, view.g, view.b}) {
            for (int y = 1; y < h - 1; y++) {
                for (int x = 1; x < w - 1; x++) {
                    int i = y * w + x;
                    float gx = (plane[i + 1] - plane[i - 1]) / 2;
                    float gy = (plane[i + w] - plane[i - w]) / 2;
                    raw[0][i] += gx * gx;
                    raw[1][i] += gy * gy;
                    raw[2][i] += gx * gy;
                }
            }
        }
        float[][] smooth = new float[3][w * h];
        for (int c = 0; c < 3; c++) {
            for (int y = 1; y < h - 1; y++) {
                for (int x = 1; x < w - 1; x++) {
                    float sum = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            sum += raw[c][(y + dy) * w + x + dx];
                        }
                    }
                    smooth[c][y * w + x] = sum / 9;
                }
            }
        }
        return smooth;
    }
}
