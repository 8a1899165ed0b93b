package dev.mondrian.trainer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the properties a critique states, by finding the {@link Vocabulary} markers in it. Longer markers are
 * matched first and use up their words ("tack sharp" is read once, not again as "sharp"); a marker right after a
 * negation ("not level") says nothing; a property stated with two different values is not stated at all.
 */
public final class CritiqueReader {
    private static final Set<String> NEGATIONS = Set.of("not", "no", "never", "isn't", "isnt", "wasn't", "nor",
            "without", "hardly", "barely", "hasn't", "doesn't", "aren't");
    private static final List<Vocabulary.Marker> MARKERS = Vocabulary.markers();

    /** The stated value of every property the critique states unambiguously; absent when not stated. */
    public Map<Property, Enum<?>> read(String critique) {
        String text = " " + normalise(critique) + " ";
        // First find every marker, longest first, blanking each out so no shorter one matches inside it; only then
        // look for negations, so that words inside a marker ("neither warm nor cool") never negate another.
        List<int[]> spans = new ArrayList<>();
        List<Enum<?>> values = new ArrayList<>();
        for (Vocabulary.Marker marker : MARKERS) {
            String phrase = " " + normalise(marker.text()) + " ";
            for (int at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + 1)) {
                spans.add(new int[] {at, at + phrase.length()});
                values.add(marker.value());
                text = text.substring(0, at + 1) + "#".repeat(phrase.length() - 2) + text.substring(at + phrase.length() - 1);
            }
        }
        Map<Property, Set<Enum<?>>> found = new EnumMap<>(Property.class);
        for (int k = 0; k < spans.size(); k++) {
            if (!negated(text, spans.get(k)[0])) {
                found.computeIfAbsent(Property.ofValue(values.get(k)), p -> new HashSet<>()).add(values.get(k));
            }
        }
        Map<Property, Enum<?>> stated = new EnumMap<>(Property.class);
        found.forEach((property, stating) -> {
            if (stating.size() == 1) {
                stated.put(property, stating.iterator().next());
            }
        });
        return Collections.unmodifiableMap(stated);
    }

    /** All nine properties, when the critique states every one of them. */
    public Optional<PhotoProperties> readAll(String critique) {
        Map<Property, Enum<?>> stated = read(critique);
        return stated.size() == Property.values().length ? Optional.of(PhotoProperties.of(stated)) : Optional.empty();
    }

    /**
     * Lower case with plain apostrophes; punctuation that ends a clause becomes a "|" word (a negation does not
     * reach past it); anything else that is not a letter becomes a single space.
     */
    static String normalise(String text) {
        return text.toLowerCase(Locale.ROOT).replace('’', '\'').replaceAll("[.,;:!?()—–]+", " | ")
                .replaceAll("[^a-z'|]+", " ").strip();
    }

    /** Whether one of the two words before position at (a space) is a negation, within the same clause. */
    private static boolean negated(String text, int at) {
        String[] before = text.substring(0, at).strip().split(" ");
        for (int k = before.length - 1; k >= Math.max(0, before.length - 2); k--) {
            if (before[k].equals("|")) {
                return false;
            }
            if (NEGATIONS.contains(before[k])) {
                return true;
            }
        }
        return false;
    }
}
