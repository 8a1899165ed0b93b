package dev.mondrian.trainer;

import dev.mondrian.trainer.data.PhotoProperties;
import java.awt.image.BufferedImage;

/**
 * One thing to learn: this advisor, shown this photo (or none) and asked this, answers with this critique.
 * {@code properties} are what the meter measured on the photo, or null when unknown.
 */
public record TrainingExample(BufferedImage image, PhotoProperties properties, String advisorId, String request,
                              String critique) {}
