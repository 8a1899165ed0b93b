package dev.mondrian.runner.model;

import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;

/** The image path of a vision-language family: a picture prepared as its processor does, then its vision tower. */
public interface ImageEncoder {
    /**
     * The picture as the family's image processor prepares it.
     *
     * @param maxTokens the most image tokens the prompt has room for; a family that sizes images to fit
     *                  scales them down to it, one of fixed size refuses with an IllegalArgumentException
     */
    PreparedImage prepare(BufferedImage image, int maxTokens);

    /** The tower's output for one prepared image: what replaces its image tokens, and DeepStack's extra levels. */
    ImageFeatures encode(NDManager scope, PreparedImage image);
}
