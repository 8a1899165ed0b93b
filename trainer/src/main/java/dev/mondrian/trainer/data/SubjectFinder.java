package dev.mondrian.trainer.data;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The main subject, found as what stands apart from the background: the background colours are those that
 * fill a good share of the frame's border, a pixel's distinctness is its colour distance to the nearest of
 * them, and the subject is the connected patch of distinct pixels with the most distinctness in total, each pixel
 * counting the square of its excess over the threshold (so a compact, strongly distinct thing outweighs a wide
 * patch of texture that barely passes). Its centre is the plain centre of the patch's pixels.
 */
final class SubjectFinder {
    // The border ring, in layout grid pixels, whose colours are taken for background.
    private static final int BORDER = 2;
    // Enough clusters for two planes and their light fall-off or texture; k-means rounds to settle them.
    private static final int BACKGROUND_COLOURS = 4;
    private static final int CLUSTER_ROUNDS = 6;

    private SubjectFinder() {}

    /**
     * @param x the centre as a share of the width (0 left, 1 right), 0.5 when none was found
     * @param y the centre as a share of the height (0 top, 1 bottom), 0.5 when none was found
     * @param mask the subject's cells on the layout grid
     */
    record Subject(boolean found, double x, double y, boolean[] mask) {}

    /** @param grid the photo resized to the square layout grid */
    static Subject of(FloatImage grid) {
        int n = grid.width;
        float[] distance = distanceFromBackground(grid, backgroundColours(grid));
        double peak = Percentile.of(distance, 0.99);
        double threshold = Math.max(Thresholds.SUBJECT_MIN_DISTANCE, Thresholds.SUBJECT_SHARE_OF_PEAK * peak);
        int[] label = new int[n * n];
        Arrays.fill(label, -1);
        boolean[] best = new boolean[n * n];
        double bestMass = 0;
        double bestX = 0.5;
        double bestY = 0.5;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int start = 0; start < n * n; start++) {
            if (label[start] >= 0 || distance[start] < threshold) {
                continue;
            }
            boolean[] patch = new boolean[n * n];
            double mass = 0;
            int pixels = 0;
            double sumX = 0;
            double sumY = 0;
            label[start] = start;
            queue.add(start);
            while (!queue.isEmpty()) {
                int i = queue.poll();
                patch[i] = true;
                int px = i % n;
                int py = i / n;
                double excess = distance[i] - threshold;
                mass += excess * excess + 1e-9;
                pixels++;
                sumX += px + 0.5;
                sumY += py + 0.5;
                for (int next : new int[] {px > 0 ? i - 1 : -1, px < n - 1 ? i + 1 : -1, i - n, i + n}) {
                    if (next >= 0 && next < n * n && label[next] < 0 && distance[next] >= threshold) {
                        label[next] = start;
                        queue.add(next);
                    }
                }
            }
            if (mass > bestMass) {
                bestMass = mass;
                best = patch;
                bestX = sumX / pixels / n;
                bestY = sumY / pixels / n;
            }
        }
        return new Subject(bestMass > 0, bestX, bestY, best);
    }

    /** The colours filling at least a minimum share of the border ring (k-means on the ring's pixels). */
    private static float[][] backgroundColours(FloatImage grid) {
        int n = grid.width;
        int[] ring = new int[n * n];
        int count = 0;
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                if (x < BORDER || y < BORDER || x >= n - BORDER || y >= n - BORDER) {
                    ring[count++] = y * n + x;
                }
            }
        }
        ring = Arrays.copyOf(ring, count);
        float[][] centres = farthestPointStart(grid, ring);
        int[] assigned = new int[count];
        int[] sizes = new int[centres.length];
        for (int round = 0; round < CLUSTER_ROUNDS; round++) {
            double[][] sums = new double[centres.length][3];
            Arrays.fill(sizes, 0);
            for (int k = 0; k < count; k++) {
                int i = ring[k];
                assigned[k] = nearest(centres, grid.r[i], grid.g[i], grid.b[i]);
                sums[assigned[k]][0] += grid.r[i];
                sums[assigned[k]][1] += grid.g[i];
                sums[assigned[k]][2] += grid.b[i];
                sizes[assigned[k]]++;
            }
            for (int c = 0; c < centres.length; c++) {
                if (sizes[c] > 0) {
                    centres[c] = new float[] {(float) (sums[c][0] / sizes[c]), (float) (sums[c][1] / sizes[c]),
                            (float) (sums[c][2] / sizes[c])};
                }
            }
        }
        final int ringSize = count;
        final int[] finalSizes = sizes;
        return java.util.stream.IntStream.range(0, centres.length)
                .filter(c -> finalSizes[c] >= Thresholds.BACKGROUND_MIN_BORDER_SHARE * ringSize)
                .mapToObj(c -> centres[c]).toArray(float[][]::new);
    }

    /** Starting centres spread over the ring's colours: the ring's first pixel, then each time the farthest. */
    private static float[][] farthestPointStart(FloatImage grid, int[] ring) {
        float[][] centres = new float[BACKGROUND_COLOURS][];
        int first = ring[0];
        centres[0] = new float[] {grid.r[first], grid.g[first], grid.b[first]};
        for (int c = 1; c < BACKGROUND_COLOURS; c++) {
            float[][] sofar = Arrays.copyOf(centres, c);
            int farthest = first;
            double farthestDistance = -1;
            for (int i : ring) {
                double d = distance(sofar[nearest(sofar, grid.r[i], grid.g[i], grid.b[i])], grid.r[i], grid.g[i], grid.b[i]);
                if (d > farthestDistance) {
                    farthestDistance = d;
                    farthest = i;
                }
            }
            centres[c] = new float[] {grid.r[farthest], grid.g[farthest], grid.b[farthest]};
        }
        return centres;
    }

    private static float[] distanceFromBackground(FloatImage grid, float[][] background) {
        float[] out = new float[grid.r.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) distance(background[nearest(background, grid.r[i], grid.g[i], grid.b[i])],
                    grid.r[i], grid.g[i], grid.b[i]);
        }
        return out;
    }

    private static int nearest(float[][] centres, float r, float g, float b) {
        int best = 0;
        for (int c = 1; c < centres.length; c++) {
            if (distance(centres[c], r, g, b) < distance(centres[best], r, g, b)) {
                best = c;
            }
        }
        return best;
    }

    private static double distance(float[] centre, float r, float g, float b) {
        double dr = centre[0] - r;
        double dg = centre[1] - g;
        double db = centre[2] - b;
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }
}
