package dev.mondrian.trainer.data;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Numbered (image, advisor, request, critique) examples, each reproducible from its index alone. Indices split
 * into a training range and a disjoint held-out range for evaluation, so held-out photos are never trained on:
 * {@link #TRAINING} holds [0, 10^12) and {@link #HELD_OUT} holds [10^12, 10^12 + 10^9).
 *
 * <p>An example's properties are what {@link PropertyMeter} measures on its image (the renderer's target in all
 * but a rare draw it could not hit), so a critique never states something the meter would call wrong.
 */
public final class TrainingExamples {

    /** A half-open range of example indices. */
    public record Range(long start, long end) {
        public boolean contains(long index) {
            return index >= start && index < end;
        }
    }

    public static final Range TRAINING = new Range(0, 1_000_000_000_000L);
    public static final Range HELD_OUT = new Range(1_000_000_000_000L, 1_001_000_000_000L);

    /**
     * @param userPrompt what the photographer typed (possibly blank), for the chat's user turn
     * @param critique the advisor's answer, stating every one of {@code properties}
     */
    public record Example(long index, BufferedImage image, PhotoProperties properties, String advisorId,
                          String userPrompt, String critique) {}

    // Blank and the default request are the common case; the rest are what photographers actually type.
    private static final List<String> PROMPTS = List.of("", "", "Critique this photograph.", "Critique this photograph.",
            "What do you think of this photo?", "How can I improve this shot?", "Be honest: is this any good?",
            "Please give me feedback on this picture.", "What works here and what doesn't?",
            "I took this last weekend. Thoughts?", "Can you review my photo?", "How would you rate this image?",
            "What would you change about this one?", "Give me a critique of this shot, please.",
            "Is the composition working?", "Tell me what you see in this picture.");

    private final SceneRenderer renderer = new SceneRenderer();
    private final PropertyMeter meter = new PropertyMeter();
    private final CritiqueWriter writer = new CritiqueWriter();

    /** The example at this index, with a square image of the given size. */
    public Example example(long index, int imageSize) {
        return example(index, imageSize, null);
    }

    /**
     * The example at this index, its critique in {@code advisorId}'s voice (null: the advisor the index draws):
     * the same photo and request, so one advisor's adapter can learn from every index.
     */
    public Example example(long index, int imageSize, String advisorId) {
        if (!TRAINING.contains(index) && !HELD_OUT.contains(index)) {
            throw new IllegalArgumentException("example index " + index + " is outside the training range "
                    + TRAINING + " and the held-out range " + HELD_OUT);
        }
        SplittableRandom random = new SplittableRandom(Randoms.mix(index));
        PhotoProperties target = PhotoProperties.random(random);
        BufferedImage image = renderer.render(target, random.nextLong(), imageSize, imageSize);
        PhotoProperties measured = meter.measure(image);
        String drawn = Randoms.pick(random, CritiqueWriter.advisorIds());
        String advisor = advisorId == null ? drawn : advisorId;
        String prompt = Randoms.pick(random, PROMPTS);
        return new Example(index, image, measured, advisor, prompt, writer.write(advisor, measured, random));
    }

    static List<String> prompts() {
        return PROMPTS;
    }
}
