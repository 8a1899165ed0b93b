package dev.mondrian.runner.model;

/**
 * One picture ready for a vision tower, as its family's processor leaves it.
 *
 * @param pixels   the processor's pixel values: [3, H, W] for LLaVA, flattened patches
 *                 [patches, 3·temporal·patch·patch] in merge-window order for Qwen-VL
 * @param tokenGrid the image tokens as a grid (temporal, height, width), which multimodal RoPE positions
 *                  follow; {1, 1, n} where the family has no grid
 */
public record PreparedImage(float[] pixels, int[] tokenGrid) {
    /** Image tokens it takes in the prompt. */
    public int tokens() {
        return tokenGrid[0] * tokenGrid[1] * tokenGrid[2];
    }
}
