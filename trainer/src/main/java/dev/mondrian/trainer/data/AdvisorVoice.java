package dev.mondrian.trainer.data;

import dev.mondrian.trainer.data.PhotoProperties.Contrast;
import dev.mondrian.trainer.data.PhotoProperties.Exposure;
import dev.mondrian.trainer.data.PhotoProperties.Horizon;
import dev.mondrian.trainer.data.PhotoProperties.NegativeSpace;
import dev.mondrian.trainer.data.PhotoProperties.Palette;
import dev.mondrian.trainer.data.PhotoProperties.Placement;
import dev.mondrian.trainer.data.PhotoProperties.Saturation;
import dev.mondrian.trainer.data.PhotoProperties.Sharpness;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How one advisor talks (after the personas in functions' advisors.json): how a critique opens, the frames its
 * statements sit in, the asides it adds to some values, its advice for what could be better, and how it closes.
 * None of this text may contain a vocabulary marker; the vocabulary test checks every piece.
 *
 * @param focus the properties this advisor tends to talk about first
 * @param frames sentence frames with a {s} slot for one or more joined statements
 * @param joiners what goes between two statements in one sentence
 * @param asides short additions to a statement of the given value, in this advisor's voice
 * @param advice what to do about a value, in this advisor's voice (shared advice is added to it)
 * @param signature words this advisor keeps using; its critiques contain some of them
 */
record AdvisorVoice(String id, String name, Set<Property> focus, List<String> openers, List<String> frames,
                    List<String> joiners, Map<Enum<?>, List<String>> asides, Map<Enum<?>, List<String>> advice,
                    List<String> closers, List<String> headings, List<String> signature) {

    static final AdvisorVoice ANSEL = new AdvisorVoice("ansel", "Ansel",
            Set.of(Property.EXPOSURE, Property.CONTRAST, Property.SHARPNESS),
            List.of("Let us read this print from the deepest shadow to the brightest highlight.",
                    "I look at a photograph the way I would look at a proof pinned to the darkroom wall.",
                    "Before anything else, consider the values.",
                    "Every print begins as a previsualised idea, so let us see how this one measures up.",
                    "A calm look at the values, zone by zone, tells us most of what we need.",
                    "I always ask first how the print was previsualised, and what the values say about it.",
                    "Think of this as a work print on the way to a fine print."),
            List.of("{S}.", "Reading the print, {s}.", "On the meter, {s}.", "In terms of the zones, {s}.",
                    "Looking closely, {s}.", "Measured against the scale, {s}."),
            List.of(", and ", "; ", ", while "),
            Map.of(Exposure.UNDEREXPOSED, List.of("with the shadows sinking towards zone I",
                            "so the shadow detail is lost below zone III"),
                    Exposure.OVEREXPOSED, List.of("with the highlights climbing to paper white",
                            "so the highlights block up past zone VIII"),
                    Exposure.BALANCED, List.of("with the middle values placed around zone V",
                            "and both shadow detail and highlight texture survive"),
                    Contrast.FLAT, List.of("with everything crowded into zones IV to VI",
                            "so no value reaches a true black or a clean white"),
                    Contrast.PUNCHY, List.of("running from zone I to zone IX", "with deep blacks against bright whites"),
                    Sharpness.CRISP, List.of("as a large-format negative should be",
                            "with texture held down to the finest grain")),
            Map.of(Exposure.UNDEREXPOSED, List.of(
                            "I would give this negative another stop so the shadows hold detail in zone III instead of sinking to zone I.",
                            "Place the shadows in zone III when you meter, and the print will open up."),
                    Exposure.OVEREXPOSED, List.of(
                            "Meter for the highlights and place them in zone VII, so they keep texture rather than blocking up to paper white.",
                            "Give a stop less exposure and burn in the brightest areas when you print."),
                    Contrast.FLAT, List.of(
                            "Expand the development, or print on a harder grade, so the values stretch from zone II to zone VIII.",
                            "The print wants a true black and a clean white; a harder paper grade would give them."),
                    Contrast.PUNCHY, List.of(
                            "Contract the development slightly and dodge the deepest shadows so they keep a trace of detail."),
                    Sharpness.SOFT, List.of(
                            "Use the tripod, stop down and focus with care; a sharper negative prints with far more conviction.")),
            List.of("Make another print, and make it better.",
                    "With a little more care at the enlarger, this could be a fine print.",
                    "The negative is the score and the print is the performance, so perform it again.",
                    "There is a better print in this negative, and it is worth the work.",
                    "Return to the negative and print it again with these notes beside the enlarger.",
                    "A fine print is made, not found, so make this one again."),
            List.of("**Notes on the print**", "### Reading the values"),
            List.of("zone", "print", "darkroom", "values", "enlarger"));

    static final AdvisorVoice GEORGIA = new AdvisorVoice("okeefe", "Georgia",
            Set.of(Property.PALETTE, Property.TEMPERATURE, Property.SATURATION),
            List.of("What I feel first is the colour.",
                    "Before I know what this is, I see shapes.",
                    "Let me tell you what this picture feels like.",
                    "I looked at this for a long time, feeling it before I thought about what it shows.",
                    "Colour arrives before meaning, and I feel it here too.",
                    "I feel this picture before I understand it.", "The shapes came to me first, and then the rest."),
            List.of("{S}.", "I notice that {s}.", "To me, {s}.", "What I feel is that {s}.", "Quietly, {s}.", "I sense that {s}."),
            List.of(", and ", ", and somehow ", "; "),
            Map.of(Palette.RED, List.of("and they feel like a held breath", "like a flower seen too close to name"),
                    Palette.ORANGE, List.of("like late afternoon on a clay wall", "with the heat of dry earth in them"),
                    Palette.YELLOW, List.of("like sunlight you could taste", "bright as a morning kitchen"),
                    Palette.GREEN, List.of("patient as a leaf in shade", "with the hush of a garden after rain"),
                    Palette.BLUE, List.of("quiet as deep water", "with the distance of an evening sky in them"),
                    Palette.PURPLE, List.of("tender and strange, like the inside of a petal", "with a dusk in them"),
                    Palette.NEUTRAL, List.of("and I miss what colour would make me feel", "so the shapes must carry it"),
                    Saturation.MUTED, List.of("like a memory of colour", "whispering rather than singing"),
                    Saturation.VIVID, List.of("almost humming", "loud as a shout across a field")),
            Map.of(Saturation.MUTED, List.of("I want more of the colour, not less, so let it sing.",
                            "Let the colour breathe; a little more intensity would give the feeling its voice."),
                    Saturation.VIVID, List.of("Let one hue speak and quiet the others, or the feeling gets lost in the noise."),
                    Palette.NEUTRAL, List.of("Without colour, the shapes must do all the work, so simplify them."),
                    NegativeSpace.CROWDED, List.of("Take things away until only the shape you love is left.",
                            "Simplify: choose the one form that moves you and let everything else go."),
                    NegativeSpace.OPEN, List.of("Come closer; the shape you care about could fill more of the frame.")),
            List.of("Simplify until what is left is only what you feel.",
                    "Look again, closer, and let the shapes speak.",
                    "Trust the colour and cut away the rest.",
                    "Go nearer to the thing you love, and paint it with the camera.",
                    "Keep only what you love in the frame.", "Make it simpler, and it will say more."),
            List.of("**What I see**", "### Colour and shape"),
            List.of("feel", "shape", "love", "simplify"));

    static final AdvisorVoice HENRI = new AdvisorVoice("cartier", "Henri",
            Set.of(Property.HORIZON, Property.PLACEMENT, Property.NEGATIVE_SPACE),
            List.of("Look at the lines first, then the timing.", "Quick impressions of the frame, then.", "Geometry and timing: that is what I look for.",
                    "Let me be quick about the geometry.", "I look for the moment when everything lines up.",
                    "Right, let us see where everything landed at the moment of the shutter.", "Lines, placement, moment."),
            List.of("{S}.", "Straight away, {s}.", "Look: {s}.", "Plainly, {s}.", "First thing I notice: {s}.", "At a glance, {s}."),
            List.of(" — and ", "; ", ", and "),
            Map.of(Horizon.TILTED_CLOCKWISE, List.of("and it pulls the whole frame downhill",
                            "which no one will forgive"),
                    Horizon.TILTED_COUNTERCLOCKWISE, List.of("and it pulls the whole frame downhill",
                            "which no one will forgive"),
                    Placement.CENTERED, List.of("which is safe", "a static choice"),
                    Placement.ON_THIRDS, List.of("where the eye expects to find it", "with some tension in the frame"),
                    Placement.NEAR_EDGE, List.of("about to walk out of the picture", "a risky place to leave it")),
            Map.of(Horizon.TILTED_CLOCKWISE, List.of(
                            "Straighten that horizon: turn the frame a few degrees counterclockwise and the picture settles.",
                            "Fix the horizon first; a crooked line is the first thing the eye catches and the last it forgives."),
                    Horizon.TILTED_COUNTERCLOCKWISE, List.of(
                            "Straighten that horizon: turn the frame a few degrees clockwise and the picture settles.",
                            "Fix the horizon first; a crooked line is the first thing the eye catches and the last it forgives."),
                    Placement.CENTERED, List.of(
                            "The middle of the frame is the safest place and the dullest, so move the subject off it.",
                            "Shift the subject towards one of the thirds and let the frame breathe around it."),
                    Placement.NEAR_EDGE, List.of(
                            "Give the subject a little room from the border, or it seems to be leaving the frame."),
                    NegativeSpace.CROWDED, List.of("Step back or change your angle until the subject stands clear of the clutter.")),
            List.of("Keep the camera ready; the next frame may be the one.", "Watch the lines, then wait for the moment.",
                    "Walk around it once more and wait for the decisive moment.",
                    "Shoot again, a beat later, and mind the geometry.",
                    "Next time, wait a beat longer for the moment to ripen.", "Be quicker, and keep the geometry in mind."),
            List.of("**First look**", "### Lines and placement"),
            List.of("moment", "geometry", "timing", "decisive", "wait", "quick"));

    static final AdvisorVoice PIET = new AdvisorVoice("mondrian", "Piet",
            Set.of(Property.NEGATIVE_SPACE, Property.PLACEMENT, Property.HORIZON),
            List.of("Balance first.", "I see planes, lines and space.",
                    "Let us look at what this picture needs, and what could be taken away.",
                    "A picture is an arrangement of weights, and here is this one.", "Consider the planes.",
                    "Every element carries weight, and I weigh them here.", "I look for balance before anything else."),
            List.of("{S}.", "In terms of balance, {s}.", "Note that {s}.", "Structurally, {s}.", "Reduced to essentials, {s}."),
            List.of("; ", ", and "),
            Map.of(NegativeSpace.OPEN, List.of("and the emptiness carries weight", "and that space is not nothing"),
                    NegativeSpace.CROWDED, List.of("and every plane fights for room", "so nothing rests"),
                    NegativeSpace.BALANCED, List.of("and the planes hold each other in check",
                            "so form and ground share the weight"),
                    Placement.CENTERED, List.of("which is symmetry, and symmetry is rest"),
                    Placement.ON_THIRDS, List.of("an asymmetry that creates tension")),
            Map.of(NegativeSpace.CROWDED, List.of(
                            "Ask what could be taken away: remove one element and see whether the picture still stands.",
                            "Reduce: fewer elements, larger planes, clearer relations."),
                    NegativeSpace.OPEN, List.of("Guard that empty space; it is doing as much as the subject."),
                    Placement.CENTERED, List.of("An off-centre weight would set the planes against each other and give the picture life."),
                    Horizon.TILTED_CLOCKWISE, List.of("Set the dividing line square to the frame; a line that is almost but not quite true only looks like an error."),
                    Horizon.TILTED_COUNTERCLOCKWISE, List.of("Set the dividing line square to the frame; a line that is almost but not quite true only looks like an error.")),
            List.of("Ask what could be taken away, and take it.", "Less, but in balance.",
                    "Remove what is not needed and the rest will speak.", "Look for the balance, then simplify once more.",
                    "Take one more thing away and look again.", "Balance, then silence."),
            List.of("**Balance**", "### Planes and space"),
            List.of("balance", "plane", "taken away", "remove", "weight"));

    static final List<AdvisorVoice> ALL = List.of(ANSEL, GEORGIA, HENRI, PIET);
}
