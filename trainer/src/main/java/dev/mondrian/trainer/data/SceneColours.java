package dev.mondrian.trainer.data;

import dev.mondrian.trainer.data.PhotoProperties.Palette;
import dev.mondrian.trainer.data.PhotoProperties.Temperature;
import java.util.random.RandomGenerator;

/**
 * The scene's colours, laid out for the grade that will follow: the two background planes straddle the wanted
 * mean luma about as far apart as the wanted contrast, so the grade barely has to stretch (and clips little), and
 * the subject stands beyond the nearer plane by a margin that scales with the contrast too, on the side with more
 * room. Hues come from the palette's family, with now and then a small complementary accent as the subject.
 * Chroma here is relative; the grade scales it to the saturation wanted.
 *
 * @param separation how far (in luma) the subject stands from the nearer plane; texture stays well below it
 */
record SceneColours(Tone upper, Tone lower, Tone body, Tone detail, double separation) {

    private static final double BASE_CHROMA = 0.35;
    // Subjects no larger than this may take a complementary accent without outvoting the palette.
    private static final double ACCENT_MAX_AREA = 0.05;

    static SceneColours choose(PhotoProperties target, double meanLuma, double lumaSpread, double subjectArea,
                               RandomGenerator random) {
        Palette palette = target.palette();
        double hue = baseHue(palette, target.temperature(), random);
        double spread = palette == Palette.GREEN || palette == Palette.PURPLE ? 3 : 6;
        double chroma = palette == Palette.NEUTRAL ? 0 : BASE_CHROMA;
        double gap = Math.min(0.6, 2 * lumaSpread * Randoms.range(random, 0.6, 1));
        double middle = Math.clamp(meanLuma + Randoms.range(random, -0.05, 0.05), 0.1 + gap / 2, 0.9 - gap / 2);
        boolean upperBrighter = random.nextInt(3) > 0;
        double upperLuma = middle + (upperBrighter ? gap / 2 : -gap / 2);
        double lowerLuma = middle + (upperBrighter ? -gap / 2 : gap / 2);
        Tone upper = new Tone(upperLuma, hue + Randoms.range(random, -spread, spread), chroma * Randoms.range(random, 0.6, 1));
        // Now and then the lower plane is nearly grey (stone, snow, concrete) under a coloured upper one.
        double lowerChroma = chroma * (random.nextInt(5) == 0 ? 0.15 : Randoms.range(random, 0.5, 1));
        Tone lower = new Tone(lowerLuma, hue + Randoms.range(random, -spread, spread), lowerChroma);

        double separation = Math.max(0.16, 1.6 * lumaSpread) * Randoms.range(random, 1, 1.25);
        double darkRoom = Math.min(upperLuma, lowerLuma);
        double lightRoom = 1 - Math.max(upperLuma, lowerLuma);
        boolean dark = darkRoom >= separation && lightRoom >= separation ? random.nextBoolean() : darkRoom > lightRoom;
        double bodyLuma = Math.clamp(dark ? darkRoom - separation : 1 - lightRoom + separation, 0.02, 0.98);
        Tone body;
        if (subjectArea <= ACCENT_MAX_AREA && random.nextInt(3) == 0) {
            body = new Tone(bodyLuma, hue + 180 + Randoms.range(random, -30, 30), palette == Palette.NEUTRAL ? 0.3 : chroma);
        } else {
            body = new Tone(bodyLuma, hue + Randoms.range(random, -spread, spread), chroma * Randoms.range(random, 0.3, 1));
        }
        // The detail (a trunk, a roof, a sail) is about as dark but may be greyer or shifted in hue.
        Tone detail = new Tone(Math.clamp(bodyLuma + Randoms.range(random, -0.04, 0.04), 0.02, 0.98),
                body.hue() + Randoms.range(random, -20, 20), body.chroma() * Randoms.range(random, 0, 1));
        return new SceneColours(upper, lower, body, detail, Math.abs(bodyLuma - (dark ? darkRoom : 1 - lightRoom)));
    }

    /** A hue inside the palette's family that also gives the wanted temperature. */
    private static double baseHue(Palette palette, Temperature temperature, RandomGenerator random) {
        return switch (palette) {
            case RED -> Randoms.range(random, -8, 8);
            case ORANGE -> Randoms.range(random, 22, 38);
            case YELLOW -> Randoms.range(random, 50, 68);
            // Pure green (120°) has as much red as blue; towards cyan it cools.
            case GREEN -> temperature == Temperature.NEUTRAL ? Randoms.range(random, 115, 125) : Randoms.range(random, 136, 156);
            case BLUE -> Randoms.range(random, 188, 242);
            // Magenta (300°) balances red and blue; towards violet it cools.
            case PURPLE -> temperature == Temperature.NEUTRAL ? Randoms.range(random, 292, 308) : Randoms.range(random, 262, 280);
            case NEUTRAL -> Randoms.range(random, 0, 360);
        };
    }
}
