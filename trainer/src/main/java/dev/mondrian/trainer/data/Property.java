package dev.mondrian.trainer.data;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/** The nine properties by name, so code can treat them alike (the reader's partial results, per-property tallies). */
public enum Property {
    EXPOSURE(PhotoProperties.Exposure.class, PhotoProperties::exposure),
    CONTRAST(PhotoProperties.Contrast.class, PhotoProperties::contrast),
    PALETTE(PhotoProperties.Palette.class, PhotoProperties::palette),
    TEMPERATURE(PhotoProperties.Temperature.class, PhotoProperties::temperature),
    SATURATION(PhotoProperties.Saturation.class, PhotoProperties::saturation),
    SHARPNESS(PhotoProperties.Sharpness.class, PhotoProperties::sharpness),
    HORIZON(PhotoProperties.Horizon.class, PhotoProperties::horizon),
    PLACEMENT(PhotoProperties.Placement.class, PhotoProperties::placement),
    NEGATIVE_SPACE(PhotoProperties.NegativeSpace.class, PhotoProperties::negativeSpace);

    private final Class<? extends Enum<?>> type;
    private final Function<PhotoProperties, Enum<?>> getter;

    Property(Class<? extends Enum<?>> type, Function<PhotoProperties, Enum<?>> getter) {
        this.type = type;
        this.getter = getter;
    }

    public Enum<?> of(PhotoProperties properties) {
        return getter.apply(properties);
    }

    /** Its values in declaration order. */
    public List<Enum<?>> choices() {
        return Arrays.asList(type.getEnumConstants());
    }

    /** The property a value belongs to. */
    public static Property ofValue(Enum<?> value) {
        return stream().filter(p -> p.type == value.getDeclaringClass()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(value + " is not a photo property value"));
    }

    public static Stream<Property> stream() {
        return Arrays.stream(values());
    }

    /** Lower case with spaces, as in messages: "negative space". */
    public String label() {
        return name().toLowerCase().replace('_', ' ');
    }

    Enum<?> cast(Enum<?> value) {
        if (value == null) {
            throw new IllegalArgumentException("missing " + label());
        }
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException(value + " is not a value of " + label());
        }
        return value;
    }
}
