package dev.mondrian.trainer;

import dev.mondrian.runner.generation.PromptEncoder;
import dev.mondrian.runner.persona.Advisor;
import dev.mondrian.runner.persona.AdvisorPrompt;
import dev.mondrian.runner.persona.Attachment;
import dev.mondrian.runner.tokenizer.ModelTokenizer;
import dev.mondrian.trainer.data.PhotoProperties;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Map;

/**
 * Turns an example into token ids exactly as the runner will prompt the model (the advisor's
 * system turn, the request, the image tokens, the chat template), followed by the critique and
 * the end-of-turn token the model must learn to stop with.
 */
final class ExampleEncoder {
    /**
     * The prompt and answer ids; the loss covers the ids from {@code promptLength} on. {@code properties} are
     * the photo's, when known.
     */
    record Encoded(long[] ids, float[] pixels, int promptLength, PhotoProperties properties) {}

    /** A preprocessed photo and its measured properties: all that the vision phase reads of an example. */
    record Photo(float[] pixels, PhotoProperties properties) {}

    private final PromptEncoder prompts;
    private final ModelTokenizer tokenizer;
    private final Map<String, Advisor> advisors;
    private final long endOfTurn;

    ExampleEncoder(PromptEncoder prompts, ModelTokenizer tokenizer, Map<String, Advisor> advisors) {
        this.prompts = prompts;
        this.tokenizer = tokenizer;
        this.advisors = advisors;
        this.endOfTurn = tokenizer.tokenId("<|im_end|>")
                .orElseThrow(() -> new IllegalArgumentException("the tokenizer has no <|im_end|> token"));
    }

    /** Only the photo, without the prompt and critique tokens the vision phase would not read. */
    Photo photo(BufferedImage image, PhotoProperties properties) {
        return new Photo(prompts.prepare(image).pixels(), properties);
    }

    Encoded encode(TrainingExample example) {
        Advisor advisor = advisors.get(example.advisorId());
        if (advisor == null) {
            throw new IllegalArgumentException("no advisor '" + example.advisorId() + "'; known: " + advisors.keySet());
        }
        Attachment image = example.image() == null ? null : new Attachment("image/png", example.image().getWidth(),
                example.image().getHeight());
        PromptEncoder.Encoded prompt = prompts.encode(
                AdvisorPrompt.messages(advisor, example.request(), image, prompts.seesImages()), example.image());
        long[] answer = tokenizer.encode(example.critique());
        long[] ids = Arrays.copyOf(prompt.ids(), prompt.ids().length + answer.length + 1);
        System.arraycopy(answer, 0, ids, prompt.ids().length, answer.length);
        ids[ids.length - 1] = endOfTurn;
        return new Encoded(ids, prompt.image() == null ? null : prompt.image().pixels(), prompt.ids().length, example.properties());
    }
}
