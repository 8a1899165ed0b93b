package dev.mondrian.trainer.data;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The nine measurable properties a critique states about a photo. {@link PropertyMeter} defines what
 * each value means on pixels (its thresholds live in {@link Thresholds}); {@link SceneRenderer} draws
 * photos with chosen values; {@link CritiqueWriter} puts them into words.
 */
public record PhotoProperties(Exposure exposure, Contrast contrast, Palette palette, Temperature temperature,
                              Saturation saturation, Sharpness sharpness, Horizon horizon, Placement placement,
                              NegativeSpace negativeSpace) {

    /** Mean luminance. */
    public enum Exposure { UNDEREXPOSED, BALANCED, OVEREXPOSED }

    /** Spread (standard deviation) of luminance. */
    public enum Contrast { FLAT, MODERATE, PUNCHY }

    /** The dominant hue family, or NEUTRAL when the photo holds little colour. */
    public enum Palette { RED, ORANGE, YELLOW, GREEN, BLUE, PURPLE, NEUTRAL }

    /** The red-versus-blue balance of the whole frame. */
    public enum Temperature { WARM, NEUTRAL, COOL }

    /** Mean chroma. */
    public enum Saturation { MUTED, NATURAL, VIVID }

    /** Fine detail relative to edge strength. */
    public enum Sharpness { SOFT, CRISP }

    /**
     * The dominant long, near-horizontal straight line. Clockwise means the line is turned clockwise from
     * level as the viewer sees it: its right end is lower than its left.
     */
    public enum Horizon { LEVEL, TILTED_CLOCKWISE, TILTED_COUNTERCLOCKWISE, NONE }

    /** Where the main subject's centre sits in the frame. */
    public enum Placement { ON_THIRDS, CENTERED, NEAR_EDGE }

    /** How much of the frame is empty, low-detail space. */
    public enum NegativeSpace { CROWDED, BALANCED, OPEN }

    public PhotoProperties {
        Object[] given = {exposure, contrast, palette, temperature, saturation, sharpness, horizon, placement,
                negativeSpace};
        for (Property property : Property.values()) {
            if (given[property.ordinal()] == null) {
                throw new IllegalArgumentException("missing " + property.label());
            }
        }
    }

    /**
     * Whether {@link SceneRenderer} can draw this combination so that the meter reads it back: colour
     * physics ties hue to warmth (a red, orange or yellow palette is warm, a blue one cool; greens and purples
     * can be neutral or cool), and a photo without a dominant colour is muted and neutral.
     */
    public boolean renderable() {
        return switch (palette) {
            case RED, ORANGE, YELLOW -> temperature == Temperature.WARM;
            case BLUE -> temperature == Temperature.COOL;
            case GREEN, PURPLE -> temperature != Temperature.WARM;
            case NEUTRAL -> temperature == Temperature.NEUTRAL && saturation == Saturation.MUTED;
        };
    }

    /**
     * A renderable combination. The palette is drawn uniformly; saturation is weighted so that its three
     * classes come out equally often although a neutral palette is always muted; temperature is what the
     * palette allows (it comes out about 3:2:2 warm:neutral:cool); every other property is uniform.
     */
    public static PhotoProperties random(RandomGenerator random) {
        Palette palette = pick(random, Palette.values());
        Saturation saturation = palette == Palette.NEUTRAL ? Saturation.MUTED
                // 2/9 muted for colour palettes: 1/7 + 6/7 * 2/9 = 1/3 muted overall.
                : random.nextInt(18) < 4 ? Saturation.MUTED
                : random.nextBoolean() ? Saturation.NATURAL : Saturation.VIVID;
        Temperature temperature = switch (palette) {
            case RED, ORANGE, YELLOW -> Temperature.WARM;
            case BLUE -> Temperature.COOL;
            case GREEN, PURPLE -> random.nextBoolean() ? Temperature.NEUTRAL : Temperature.COOL;
            case NEUTRAL -> Temperature.NEUTRAL;
        };
        return new PhotoProperties(pick(random, Exposure.values()), pick(random, Contrast.values()), palette,
                temperature, saturation, pick(random, Sharpness.values()), pick(random, Horizon.values()),
                pick(random, Placement.values()), pick(random, NegativeSpace.values()));
    }

    /** This with one property changed. */
    public PhotoProperties with(Property property, Enum<?> value) {
        Map<Property, Enum<?>> values = new EnumMap<>(Property.class);
        for (Property p : Property.values()) {
            values.put(p, p.of(this));
        }
        values.put(property, value);
        return of(values);
    }

    /** From a value for every property. */
    public static PhotoProperties of(Map<Property, ? extends Enum<?>> values) {
        Enum<?>[] v = new Enum<?>[Property.values().length];
        for (Property p : Property.values()) {
            v[p.ordinal()] = p.cast(values.get(p));
        }
        return new PhotoProperties((Exposure) v[0], (Contrast) v[1], (Palette) v[2], (Temperature) v[3],
                (Saturation) v[4], (Sharpness) v[5], (Horizon) v[6], (Placement) v[7], (NegativeSpace) v[8]);
    }

    /** The properties on which this and other differ. */
    public List<Property> differences(PhotoProperties other) {
        return Property.stream().filter(p -> p.of(this) != p.of(other)).toList();
    }

    private static <E> E pick(RandomGenerator random, E[] values) {
        return values[random.nextInt(values.length)];
    }
}
