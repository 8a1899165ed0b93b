package dev.mondrian.runner.generation;

import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.tokenizer.ChatMessage;
import dev.mondrian.runner.tokenizer.ModelTokenizer;
import dev.mondrian.runner.vision.ImagePreprocessor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

/**
 * Chat turns (and an image, for a vision model) to what {@link GenerationRequest} takes: the
 * chat template rendered and tokenized, each image token widened to the tower's feature count,
 * the image preprocessed as the model folder's preprocessor_config.json says.
 */
public final class PromptEncoder {
    /** Token ids with the image tokens widened, and the preprocessed image or null. */
    public record Encoded(long[] ids, float[] pixels) {}

    private final Model model;
    private final ModelTokenizer tokenizer;
    private final ImagePreprocessor preprocessor;

    public PromptEncoder(Model model, ModelTokenizer tokenizer, Path folder) throws IOException {
        this.model = model;
        this.tokenizer = tokenizer;
        this.preprocessor = model.vision().isPresent()
                ? ImagePreprocessor.read(folder, model.vision().get().config().imageSize()) : null;
    }

    public boolean seesImages() {
        return preprocessor != null;
    }

    /** @param image shown with the messages' image parts; null for a text-only prompt */
    public Encoded encode(List<ChatMessage> messages, BufferedImage image) {
        long[] ids = tokenizer.encode(tokenizer.chatTemplate().render(messages, true));
        if (image == null) {
            return new Encoded(ids, null);
        }
        float[] pixels = pixels(image);
        long imageToken = model.config().imageTokenIndex();
        int count = model.vision().orElseThrow().imageTokens();
        long[] widened = Arrays.stream(ids).flatMap(id -> id == imageToken
                ? LongStream.generate(() -> imageToken).limit(count) : LongStream.of(id)).toArray();
        return new Encoded(widened, pixels);
    }

    /** The image preprocessed for the vision tower, as {@link #encode} gives it. */
    public float[] pixels(BufferedImage image) {
        if (preprocessor == null) {
            throw new IllegalArgumentException("this model has no vision tower, so it cannot look at an image");
        }
        return preprocessor.apply(image);
    }
}
