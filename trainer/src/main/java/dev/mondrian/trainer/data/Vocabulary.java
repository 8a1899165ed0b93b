package dev.mondrian.trainer.data;

import dev.mondrian.trainer.data.PhotoProperties.Contrast;
import dev.mondrian.trainer.data.PhotoProperties.Exposure;
import dev.mondrian.trainer.data.PhotoProperties.Horizon;
import dev.mondrian.trainer.data.PhotoProperties.NegativeSpace;
import dev.mondrian.trainer.data.PhotoProperties.Palette;
import dev.mondrian.trainer.data.PhotoProperties.Placement;
import dev.mondrian.trainer.data.PhotoProperties.Saturation;
import dev.mondrian.trainer.data.PhotoProperties.Sharpness;
import dev.mondrian.trainer.data.PhotoProperties.Temperature;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The words for every property value, shared by the writer and the reader so they cannot drift apart. Each value
 * has markers (the phrases that signal it, and nothing else, to the reader) and clauses (statements with a
 * {@code {m}} slot that the writer fills with one of the value's markers). A statement therefore always carries a
 * marker of its own value; the vocabulary test checks that no text the writer can produce carries anyone else's.
 */
final class Vocabulary {

    /** Markers are matched whole-word, case-insensitively; clauses are lower case, capitalised by the writer. */
    record Phrasing(List<String> markers, List<String> clauses) {}

    private static final Map<Enum<?>, Phrasing> PHRASINGS = new LinkedHashMap<>();

    static {
        List<String> exposureClauses = List.of("the frame is {m}", "the picture reads as {m}",
                "overall the image comes out {m}", "as exposed, the scene is {m}", "this frame was made {m}");
        PHRASINGS.put(Exposure.UNDEREXPOSED, new Phrasing(List.of("underexposed", "too dark", "darker than it should be"),
                exposureClauses));
        PHRASINGS.put(Exposure.BALANCED, new Phrasing(List.of("well exposed", "correctly exposed", "exposed just right"),
                exposureClauses));
        PHRASINGS.put(Exposure.OVEREXPOSED, new Phrasing(List.of("overexposed", "too bright", "brighter than it should be"),
                exposureClauses));

        List<String> contrastClauses = List.of("the picture has {m}", "there is {m} across the frame",
                "{m} runs through the picture", "the tones show {m}", "{m} shows in the tones");
        PHRASINGS.put(Contrast.FLAT, new Phrasing(List.of("low contrast", "flat tonality", "a flat tonal range"),
                contrastClauses));
        PHRASINGS.put(Contrast.MODERATE, new Phrasing(List.of("moderate contrast", "medium contrast",
                "a moderate tonal range"), contrastClauses));
        PHRASINGS.put(Contrast.PUNCHY, new Phrasing(List.of("high contrast", "punchy contrast", "a punchy tonal range"),
                contrastClauses));

        List<String> paletteClauses = List.of("the palette is dominated by {m}", "{m} lead the colour",
                "the colour belongs to {m}", "the eye is held by {m}", "{m} carry the picture");
        PHRASINGS.put(Palette.RED, new Phrasing(List.of("reds", "red hues", "crimson tones"), paletteClauses));
        PHRASINGS.put(Palette.ORANGE, new Phrasing(List.of("oranges", "orange hues", "amber tones"), paletteClauses));
        PHRASINGS.put(Palette.YELLOW, new Phrasing(List.of("yellows", "yellow hues", "ochre tones"), paletteClauses));
        PHRASINGS.put(Palette.GREEN, new Phrasing(List.of("greens", "green hues", "leafy tones"), paletteClauses));
        PHRASINGS.put(Palette.BLUE, new Phrasing(List.of("blues", "blue hues", "azure tones"), paletteClauses));
        PHRASINGS.put(Palette.PURPLE, new Phrasing(List.of("purples", "violet hues", "purple tones"), paletteClauses));
        PHRASINGS.put(Palette.NEUTRAL, new Phrasing(List.of("no dominant colour", "a neutral, nearly colourless palette",
                "a palette of greys"), List.of("the picture has {m}", "the frame shows {m}", "there is {m} to speak of")));

        List<String> temperatureClauses = List.of("the light is {m}", "the colour temperature is {m}",
                "the cast of the light is {m}", "the whole frame reads {m}");
        PHRASINGS.put(Temperature.WARM, new Phrasing(List.of("warm", "on the warm side"), temperatureClauses));
        PHRASINGS.put(Temperature.NEUTRAL, new Phrasing(List.of("neutral in temperature", "neither warm nor cool"),
                temperatureClauses));
        PHRASINGS.put(Temperature.COOL, new Phrasing(List.of("cool", "on the cool side"), temperatureClauses));

        List<String> saturationClauses = List.of("the colours are {m}", "the colour is {m}", "the hues come across {m}",
                "saturation-wise, the picture is {m}");
        PHRASINGS.put(Saturation.MUTED, new Phrasing(List.of("muted", "subdued", "quiet and desaturated"),
                saturationClauses));
        PHRASINGS.put(Saturation.NATURAL, new Phrasing(List.of("naturally saturated", "true to life",
                "saturated just enough"), saturationClauses));
        PHRASINGS.put(Saturation.VIVID, new Phrasing(List.of("vivid", "richly saturated", "intensely saturated"),
                saturationClauses));

        List<String> sharpnessClauses = List.of("the focus is {m}", "the detail is {m}", "the rendering is {m}",
                "edges and fine texture are {m}");
        PHRASINGS.put(Sharpness.SOFT, new Phrasing(List.of("soft", "blurred", "a little blurry"), sharpnessClauses));
        PHRASINGS.put(Sharpness.CRISP, new Phrasing(List.of("crisp", "sharp", "tack sharp"), sharpnessClauses));

        List<String> tiltClauses = List.of("the horizon is {m}", "the horizon line is {m}",
                "the line between the two halves of the scene is {m}");
        PHRASINGS.put(Horizon.LEVEL, new Phrasing(List.of("level", "dead level", "perfectly straight"),
                List.of("the horizon is {m}", "the horizon line is {m}", "the line between the two halves of the scene sits {m}")));
        PHRASINGS.put(Horizon.TILTED_CLOCKWISE, new Phrasing(List.of("tilted clockwise", "sloping down to the right",
                "dipping to the right"), tiltClauses));
        PHRASINGS.put(Horizon.TILTED_COUNTERCLOCKWISE, new Phrasing(List.of("tilted counterclockwise",
                "sloping down to the left", "dipping to the left"), tiltClauses));
        PHRASINGS.put(Horizon.NONE, new Phrasing(List.of("no horizon", "no horizon line", "no horizon at all"),
                List.of("there is {m} in this frame", "the picture has {m} to measure against",
                        "the frame holds {m}")));

        List<String> placementClauses = List.of("the subject sits {m}", "the main subject is placed {m}",
                "the centre of interest falls {m}", "the subject has been put {m}");
        PHRASINGS.put(Placement.ON_THIRDS, new Phrasing(List.of("on a third", "on the thirds", "on a thirds line"),
                placementClauses));
        PHRASINGS.put(Placement.CENTERED, new Phrasing(List.of("dead centre", "in the centre", "right in the middle"),
                placementClauses));
        PHRASINGS.put(Placement.NEAR_EDGE, new Phrasing(List.of("near the edge", "close to the edge",
                "right at the edge"), placementClauses));

        List<String> spaceClauses = List.of("the frame has {m}", "there is {m} around the subject",
                "the composition leaves {m}", "the picture offers {m}");
        PHRASINGS.put(NegativeSpace.CROWDED, new Phrasing(List.of("little empty space", "almost no negative space",
                "hardly any breathing room"), spaceClauses));
        PHRASINGS.put(NegativeSpace.BALANCED, new Phrasing(List.of("a fair amount of empty space",
                "a measured amount of negative space", "some breathing room"), spaceClauses));
        PHRASINGS.put(NegativeSpace.OPEN, new Phrasing(List.of("plenty of empty space", "generous negative space",
                "ample breathing room"), spaceClauses));
    }

    private Vocabulary() {}

    static Phrasing of(Enum<?> value) {
        Phrasing phrasing = PHRASINGS.get(value);
        if (phrasing == null) {
            throw new IllegalArgumentException("no words for " + value);
        }
        return phrasing;
    }

    /** A marker, with the value it signals. */
    record Marker(String text, Enum<?> value) {}

    /** Every marker, longest first, so that a longer phrase wins over a shorter one inside it. */
    static List<Marker> markers() {
        List<Marker> all = new ArrayList<>();
        PHRASINGS.forEach((value, phrasing) -> phrasing.markers().forEach(m -> all.add(new Marker(m, value))));
        all.sort(Comparator.comparingInt((Marker m) -> m.text().length()).reversed());
        return all;
    }
}
