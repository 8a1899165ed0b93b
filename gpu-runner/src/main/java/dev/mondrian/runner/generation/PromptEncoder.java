package dev.mondrian.runner.generation;

import dev.mondrian.runner.chat.ChatMessage;
import dev.mondrian.runner.model.ImageEncoder;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.PreparedImage;
import dev.mondrian.runner.tokenizer.ModelTokenizer;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

/**
 * Chat turns (and an image, for a vision model) to what {@link GenerationRequest} takes: the
 * chat template rendered and tokenized, the image prepared as the model family's processor does it,
 * and the template's one image token widened to as many as the image takes.
 */
public final class PromptEncoder {
    /** Token ids with the image tokens widened, and the prepared image or null. */
    public record Encoded(long[] ids, PreparedImage image) {}

    private final Model model;
    private final ModelTokenizer tokenizer;

    public PromptEncoder(Model model, ModelTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    public boolean seesImages() {
        return model.images().isPresent();
    }

    /** @param image shown with the messages' image parts; null for a text-only prompt */
    public Encoded encode(List<ChatMessage> messages, BufferedImage image) {
        long[] ids = tokenizer.encode(tokenizer.chatTemplate().render(messages, true));
        if (image == null) {
            return new Encoded(ids, null);
        }
        long imageToken = model.config().imageTokenId();
        long placed = Arrays.stream(ids).filter(id -> id == imageToken).count();
        if (placed != 1) {
            throw new IllegalArgumentException("the chat template placed " + placed + " images where one was given");
        }
        // An image may take half of what the context has left after the text; the rest stays for the answer.
        int room = (model.decoder().contextLength() - ids.length + 1) / 2;
        PreparedImage prepared = images().prepare(image, room);
        long[] widened = Arrays.stream(ids).flatMap(id -> id == imageToken
                ? LongStream.generate(() -> imageToken).limit(prepared.tokens()) : LongStream.of(id)).toArray();
        return new Encoded(widened, prepared);
    }

    /** The image prepared for the vision tower alone, as {@link #encode} prepares it with an empty prompt. */
    public PreparedImage prepare(BufferedImage image) {
        return images().prepare(image, model.decoder().contextLength() / 2);
    }

    private ImageEncoder images() {
        return model.images().orElseThrow(
                () -> new IllegalArgumentException("this model has no vision tower, so it cannot look at an image"));
    }
}
