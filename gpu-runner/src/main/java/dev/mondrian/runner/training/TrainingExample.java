package dev.mondrian.runner.training;

import java.awt.image.BufferedImage;

/** One thing to learn: this advisor, shown this photo (or none) and asked this, answers with this critique. */
public record TrainingExample(BufferedImage image, String advisorId, String request, String critique) {}
