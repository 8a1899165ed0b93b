package dev.mondrian.trainer.data;

import dev.mondrian.trainer.data.PhotoProperties.Contrast;
import dev.mondrian.trainer.data.PhotoProperties.Exposure;
import dev.mondrian.trainer.data.PhotoProperties.Horizon;
import dev.mondrian.trainer.data.PhotoProperties.NegativeSpace;
import dev.mondrian.trainer.data.PhotoProperties.Placement;
import dev.mondrian.trainer.data.PhotoProperties.Saturation;
import dev.mondrian.trainer.data.PhotoProperties.Sharpness;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Writes a critique in an advisor's voice that states every property of a photo: an opener, the nine statements
 * in a shuffled order (the advisor's own concerns tend to come first) grouped two or three to a sentence, advice
 * on what could be better, and usually a closing line; 5 to 9 sentences in all, sometimes under a short heading.
 */
public final class CritiqueWriter {
    /** Advice any advisor may give, added to the advisor's own. */
    private static final Map<Enum<?>, List<String>> SHARED_ADVICE = new LinkedHashMap<>();

    static {
        SHARED_ADVICE.put(Exposure.UNDEREXPOSED, List.of("Give it more light next time: open up a stop or lift the shadows in the edit.",
                "Open the aperture or slow the shutter so the shadows carry detail."));
        SHARED_ADVICE.put(Exposure.OVEREXPOSED, List.of("Pull the exposure down a stop so the highlights keep their texture.",
                "Bring the highlights back before anything else; the brightest areas are losing detail."));
        SHARED_ADVICE.put(Contrast.FLAT, List.of("Set a clean black point and a clean white point and let the midtones spread.",
                "A gentle S-curve would give the tones more snap."));
        SHARED_ADVICE.put(Contrast.PUNCHY, List.of("Ease the curve a little so the deepest shadows and the brightest highlights both keep detail."));
        SHARED_ADVICE.put(Saturation.MUTED, List.of("Let the colour come forward a little, or commit fully to black and white."));
        SHARED_ADVICE.put(Saturation.VIVID, List.of("Pull the saturation back a touch before the colour turns garish."));
        SHARED_ADVICE.put(Sharpness.SOFT, List.of("Use a faster shutter or a tripod, and check focus on the subject itself.",
                "Stop down a little and nail the focus; detail would lift the whole picture."));
        SHARED_ADVICE.put(Horizon.TILTED_CLOCKWISE, List.of("Rotate the picture a few degrees counterclockwise until the horizon runs true."));
        SHARED_ADVICE.put(Horizon.TILTED_COUNTERCLOCKWISE, List.of("Rotate the picture a few degrees clockwise until the horizon runs true."));
        SHARED_ADVICE.put(Placement.CENTERED, List.of("Try moving the subject towards one of the thirds to give the frame some tension."));
        SHARED_ADVICE.put(Placement.NEAR_EDGE, List.of("Give the subject more room from the border, or crop so its position looks intended."));
        SHARED_ADVICE.put(NegativeSpace.CROWDED, List.of("Leave out one or two elements so the subject can stand out."));
        SHARED_ADVICE.put(NegativeSpace.OPEN, List.of("Make sure the empty space is doing work, leading the eye to the subject."));
    }

    // When nothing is wrong there is still something to say.
    private static final List<String> GENERAL_ADVICE = List.of(
            "Keep working this way, and try the same scene in a different light.",
            "Try a second version from a lower viewpoint and compare the two.");

    private static final double ASIDE_CHANCE = 0.4;
    private static final double HEADING_CHANCE = 0.2;
    private static final double CLOSER_CHANCE = 0.7;

    /** Every piece of advice any advisor may give whatever its own, for the vocabulary test. */
    static List<String> sharedAdvice() {
        List<String> all = new ArrayList<>(GENERAL_ADVICE);
        SHARED_ADVICE.values().forEach(all::addAll);
        return all;
    }

    /** The advisor ids this writer knows. */
    public static List<String> advisorIds() {
        return AdvisorVoice.ALL.stream().map(AdvisorVoice::id).toList();
    }

    public String write(String advisorId, PhotoProperties properties, RandomGenerator random) {
        AdvisorVoice voice = voice(advisorId);
        List<String> paragraph = new ArrayList<>();
        paragraph.add(Randoms.pick(random, voice.openers()));
        List<List<Enum<?>>> sentences = group(order(voice, properties, random), random);
        for (List<Enum<?>> values : sentences) {
            paragraph.add(sentence(voice, values, random));
        }
        List<String> closing = new ArrayList<>(advice(voice, properties, random));
        if (random.nextDouble() < CLOSER_CHANCE) {
            closing.add(Randoms.pick(random, voice.closers()));
        }
        StringBuilder text = new StringBuilder();
        if (random.nextDouble() < HEADING_CHANCE) {
            text.append(Randoms.pick(random, voice.headings())).append("\n\n");
        }
        return text.append(String.join(" ", paragraph)).append("\n\n").append(String.join(" ", closing)).toString();
    }

    static AdvisorVoice voice(String advisorId) {
        return AdvisorVoice.ALL.stream().filter(v -> v.id().equals(advisorId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown advisor '" + advisorId + "'; known advisors: " + String.join(", ", advisorIds())));
    }

    /** The nine values in a random order that puts the advisor's focus first more often than not. */
    private static List<Enum<?>> order(AdvisorVoice voice, PhotoProperties properties, RandomGenerator random) {
        Map<Enum<?>, Double> keys = new LinkedHashMap<>();
        for (Property property : Property.values()) {
            keys.put(property.of(properties), random.nextDouble() - (voice.focus().contains(property) ? 0.5 : 0));
        }
        List<Enum<?>> values = new ArrayList<>(keys.keySet());
        values.sort(Comparator.comparingDouble(keys::get));
        return values;
    }

    /** Three to five sentences of one to three statements each. */
    private static List<List<Enum<?>>> group(List<Enum<?>> values, RandomGenerator random) {
        int count = 3 + random.nextInt(3);
        int[] sizes = new int[count];
        java.util.Arrays.fill(sizes, 1);
        for (int left = values.size() - count; left > 0; ) {
            int s = random.nextInt(count);
            if (sizes[s] < 3) {
                sizes[s]++;
                left--;
            }
        }
        List<List<Enum<?>>> out = new ArrayList<>();
        int start = 0;
        for (int size : sizes) {
            out.add(values.subList(start, start + size));
            start += size;
        }
        return out;
    }

    private static String sentence(AdvisorVoice voice, List<Enum<?>> values, RandomGenerator random) {
        List<String> statements = new ArrayList<>();
        for (Enum<?> value : values) {
            statements.add(statement(voice, value, values.size() < 3, random));
        }
        StringBuilder joined = new StringBuilder(statements.getFirst());
        for (int i = 1; i < statements.size(); i++) {
            joined.append(i == statements.size() - 1 ? Randoms.pick(random, voice.joiners()) : ", ").append(statements.get(i));
        }
        String frame = Randoms.pick(random, voice.frames());
        return frame.startsWith("{S}") ? capitalise(joined.toString()) + frame.substring(3) : frame.replace("{s}", joined);
    }

    /** One value in words: a clause carrying one of its markers, now and then with the advisor's aside. */
    private static String statement(AdvisorVoice voice, Enum<?> value, boolean roomForAside, RandomGenerator random) {
        Vocabulary.Phrasing phrasing = Vocabulary.of(value);
        String clause = Randoms.pick(random, phrasing.clauses()).replace("{m}", Randoms.pick(random, phrasing.markers()));
        List<String> asides = voice.asides().get(value);
        if (roomForAside && asides != null && random.nextDouble() < ASIDE_CHANCE) {
            clause += ", " + Randoms.pick(random, asides);
        }
        return clause;
    }

    /** One or two pieces of advice about the values that could be better, the advisor's own concerns first. */
    private static List<String> advice(AdvisorVoice voice, PhotoProperties properties, RandomGenerator random) {
        List<List<String>> own = new ArrayList<>();
        List<List<String>> shared = new ArrayList<>();
        for (Property property : Property.values()) {
            Enum<?> value = property.of(properties);
            List<String> options = new ArrayList<>(voice.advice().getOrDefault(value, List.of()));
            options.addAll(SHARED_ADVICE.getOrDefault(value, List.of()));
            if (!options.isEmpty()) {
                (voice.focus().contains(property) || voice.advice().containsKey(value) ? own : shared).add(options);
            }
        }
        java.util.Collections.shuffle(own, random);
        java.util.Collections.shuffle(shared, random);
        own.addAll(shared);
        int count = own.isEmpty() ? 0 : 1 + random.nextInt(Math.min(2, own.size()));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(Randoms.pick(random, own.get(i)));
        }
        if (out.isEmpty()) {
            out.add(Randoms.pick(random, GENERAL_ADVICE));
        }
        return out;
    }

    private static String capitalise(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
