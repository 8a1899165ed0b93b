package dev.mondrian.runner.model;

import java.util.Arrays;
import java.util.List;

/**
 * The RoPE positions of the tokens of one forward pass. Plain text is linear: token i of a pass
 * that starts at p sits at p + i. Multimodal RoPE gives each token three positions (temporal,
 * height, width): a text token has the same number on all three; an image's tokens share the
 * temporal one and spread over its grid of merged patches, and the text after an image goes on
 * from the largest position the image used, plus one (so positions run behind cache slots).
 */
public final class PositionIds {
    private final long[][] axes;
    private final int first;
    private final int length;
    private final int next;

    private PositionIds(long[][] axes, int first, int length, int next) {
        this.axes = axes;
        this.first = first;
        this.length = length;
        this.next = next;
    }

    /** {@code length} tokens at positions start, start+1, … */
    public static PositionIds linear(int start, int length) {
        return new PositionIds(null, start, length, start + length);
    }

    /**
     * Positions of a prompt whose image tokens come in runs, one run per image in {@code grids}
     * order, each run {@code t·h·w} tokens long for a grid of t×h×w merged patches.
     *
     * @param start the position of the first token
     */
    public static PositionIds multimodal(long[] ids, long imageToken, List<int[]> grids, int start) {
        if (grids.isEmpty()) {
            return linear(start, ids.length);
        }
        long[][] axes = new long[3][ids.length];
        int position = start;
        int image = 0;
        for (int i = 0; i < ids.length; ) {
            if (ids[i] != imageToken) {
                axes[0][i] = axes[1][i] = axes[2][i] = position++;
                i++;
                continue;
            }
            if (image == grids.size()) {
                throw new IllegalArgumentException("the prompt has more image-token runs than images");
            }
            int[] grid = grids.get(image++);
            int tokens = grid[0] * grid[1] * grid[2];
            if (i + tokens > ids.length || Arrays.stream(ids, i, i + tokens).anyMatch(id -> id != imageToken)) {
                throw new IllegalArgumentException("an image of " + grid[0] + "x" + grid[1] + "x" + grid[2]
                        + " merged patches needs " + tokens + " image tokens in a row");
            }
            for (int t = 0; t < grid[0]; t++) {
                for (int h = 0; h < grid[1]; h++) {
                    for (int w = 0; w < grid[2]; w++) {
                        axes[0][i] = position + t;
                        axes[1][i] = position + h;
                        axes[2][i] = position + w;
                        i++;
                    }
                }
            }
            position += Math.max(grid[0], Math.max(grid[1], grid[2]));
        }
        if (image != grids.size()) {
            throw new IllegalArgumentException("the prompt has " + image + " image-token runs for " + grids.size() + " images");
        }
        return new PositionIds(axes, start, ids.length, position);
    }

    /** Whether every token's positions are start + i on every axis. */
    public boolean isLinear() {
        return axes == null;
    }

    public int first() {
        return first;
    }

    public int length() {
        return length;
    }

    /** The position of the token after these. */
    public int next() {
        return next;
    }

    /** One axis's positions (0 temporal, 1 height, 2 width); the same numbers on all three when linear. */
    public long[] axis(int axis) {
        if (axes != null) {
            return axes[axis];
        }
        long[] positions = new long[length];
        Arrays.setAll(positions, i -> first + i);
        return positions;
    }
}
