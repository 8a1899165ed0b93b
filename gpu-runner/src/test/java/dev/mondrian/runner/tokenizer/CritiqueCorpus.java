package dev.mondrian.runner.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Critique-like texts in four advisor voices, built from word lists with a fixed seed, holding
 * what the model's template-made critiques hold: Markdown headings and items, punctuation,
 * contractions, numbers, accents, emoji, tabs, blank lines and non-breaking spaces.
 */
final class CritiqueCorpus {
    private static final List<String> VOICES = List.of("The Classicist", "The Modernist", "The Street Photographer", "The Colorist");
    private static final List<String> HEADINGS = List.of("Composition", "Light", "Color", "Story", "Technique");
    private static final List<String> SUBJECTS = List.of("horizon", "subject", "foreground", "background", "shadow",
            "highlight", "composition", "balance", "contrast", "texture", "portrait", "landscape", "silhouette");
    private static final List<String> POSITIONS = List.of("on the left third", "dead center", "near the top edge",
            "in the lower right", "against the light");
    private static final List<String> EFFECTS = List.of("pulls the eye out of the frame", "gives the composition a calm balance",
            "fights with the background", "leads the eye into the composition", "flattens the depth");
    private static final List<String> SUGGESTIONS = List.of("cropping tighter", "a lower viewpoint", "waiting for softer light",
            "warming the white balance", "simplifying the composition");
    private static final List<String> JUDGEMENTS = List.of("beautifully balanced", "a little flat", "too busy",
            "quietly powerful", "a strong composition");
    private static final List<String> ADVERBS = List.of("really", "perhaps", "clearly", "gently");
    private static final List<String> ADJECTIVES = List.of("dramatic", "muted", "vivid", "harmonious");
    private static final List<String> EMOJI = List.of("🎨", "📷", "✨");

    private CritiqueCorpus() {}

    static List<String> texts(int count, long seed) {
        Random random = new Random(seed);
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            texts.add(text(random));
        }
        return texts;
    }

    private static String text(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> "## " + pick(random, HEADINGS) + "\n\n- The " + pick(random, SUBJECTS) + " sits " + pick(random, POSITIONS)
                    + ", which " + pick(random, EFFECTS) + ".\n- Try " + pick(random, SUGGESTIONS) + ".";
            case 1 -> pick(random, VOICES) + " says: the " + pick(random, SUBJECTS) + " is " + pick(random, JUDGEMENTS) + "; it's "
                    + pick(random, ADVERBS) + " " + pick(random, ADJECTIVES) + "!";
            case 2 -> "Exposure: 1/" + (125 << random.nextInt(4)) + " s at f/" + (2 + random.nextInt(14)) + "." + random.nextInt(10)
                    + ", ISO " + (100 << random.nextInt(6)) + ". Score: " + random.nextInt(11) + "/10 " + pick(random, EMOJI);
            case 3 -> "Le café, the façade and a naïve élan: " + pick(random, JUDGEMENTS) + " — déjà vu, " + pick(random, ADVERBS) + ".";
            case 4 -> "I don't think the " + pick(random, SUBJECTS) + " works; you'll want " + pick(random, SUGGESTIONS)
                    + ".\tWe've seen " + random.nextInt(1000) + " of these.\n";
            default -> "**" + pick(random, HEADINGS) + "**:\u00A0" + pick(random, JUDGEMENTS) + ".\u00A0\u00A0\n\n  1. "
                    + pick(random, ADJECTIVES) + " " + pick(random, SUBJECTS) + "...";
        };
    }

    private static String pick(Random random, List<String> words) {
        return words.get(random.nextInt(words.size()));
    }
}
