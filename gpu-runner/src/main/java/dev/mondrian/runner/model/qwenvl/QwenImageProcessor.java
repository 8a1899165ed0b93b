package dev.mondrian.runner.model.qwenvl;

import dev.mondrian.runner.model.PreparedImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** STUB: being written. */
public final class QwenImageProcessor {
    static QwenImageProcessor read(Path folder, QwenVisionConfig config) throws IOException {
        return new QwenImageProcessor();
    }

    public PreparedImage prepare(BufferedImage image, int maxTokens) {
        throw new UnsupportedOperationException("not yet");
    }
}
