package dev.mondrian.runner.model.qwenvl;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.mondrian.runner.model.ImageEncoder;
import dev.mondrian.runner.model.ImageFeatures;
import dev.mondrian.runner.model.PreparedImage;
import dev.mondrian.runner.model.Weights;
import java.awt.image.BufferedImage;

/** STUB: being written. */
final class QwenVisionTower implements ImageEncoder {
    private final QwenImageProcessor processor;

    QwenVisionTower(QwenVisionConfig config, Weights weights, DataType type, QwenImageProcessor processor) {
        this.processor = processor;
    }

    @Override
    public PreparedImage prepare(BufferedImage image, int maxTokens) {
        return processor.prepare(image, maxTokens);
    }

    @Override
    public ImageFeatures encode(NDManager scope, PreparedImage image) {
        throw new UnsupportedOperationException("not yet");
    }
}
