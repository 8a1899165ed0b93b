package dev.mondrian.trainer.data;

/**
 * The share of the frame that is empty: layout cells whose colour varies little once smooth light fall-off (a
 * graded sky, a vignette) is taken out, and that the subject does not fill.
 */
final class NegativeSpaceMeasure {
    private NegativeSpaceMeasure() {}

    /**
     * @param grid the photo on the square layout grid
     * @param subject the subject's pixels on that grid
     * @param lumaSpread the photo's luma standard deviation, which scales what counts as detail
     */
    static double emptyShare(FloatImage grid, boolean[] subject, double lumaSpread) {
        int n = grid.width;
        int cell = Thresholds.LAYOUT_CELL;
        int cells = n / cell;
        double limit = Math.max(Thresholds.EMPTY_CELL_FLOOR, Thresholds.EMPTY_CELL_SHARE_OF_CONTRAST * lumaSpread);
        // Detail is what differs from the picture slightly blurred: a ramp or a slow fall-off survives the blur
        // unchanged, so it leaves nothing behind, while texture and edges do.
        FloatImage detail = difference(grid, Blur.gaussian(grid, Thresholds.DETAIL_BLUR));
        int empty = 0;
        for (int cy = 0; cy < cells; cy++) {
            for (int cx = 0; cx < cells; cx++) {
                if (variation(detail, cx * cell, cy * cell, cell) < limit
                        && subjectPixels(subject, n, cx * cell, cy * cell, cell) * 4 < cell * cell) {
                    empty++;
                }
            }
        }
        return empty / (double) (cells * cells);
    }

    private static FloatImage difference(FloatImage a, FloatImage b) {
        FloatImage out = new FloatImage(a.width, a.height);
        for (int i = 0; i < a.r.length; i++) {
            out.r[i] = a.r[i] - b.r[i];
            out.g[i] = a.g[i] - b.g[i];
            out.b[i] = a.b[i] - b.b[i];
        }
        return out;
    }

    /** Root-mean-square deviation of the cell's channels from their means. */
    private static double variation(FloatImage grid, int x0, int y0, int size) {
        double squares = 0;
        double sumSquares = 0;
        for (float[] plane : new float[][] {grid.r, grid.g, grid.b}) {
            double sum = 0;
            for (int y = y0; y < y0 + size; y++) {
                for (int x = x0; x < x0 + size; x++) {
                    float v = plane[y * grid.width + x];
                    sum += v;
                    squares += v * v;
                }
            }
            sumSquares += sum * sum;
        }
        int count = size * size;
        return Math.sqrt(Math.max(0, (squares - sumSquares / count) / (3.0 * count)));
    }

    private static int subjectPixels(boolean[] subject, int n, int x0, int y0, int size) {
        int count = 0;
        for (int y = y0; y < y0 + size; y++) {
            for (int x = x0; x < x0 + size; x++) {
                if (subject[y * n + x]) {
                    count++;
                }
            }
        }
        return count;
    }
}
