package dev.mondrian.runner.model;

import java.util.Locale;

/** How a CPU holds a decoder's matrices ({@link TextDecoder#packs}): {@code --weights} of the runner and of generate. */
public enum WeightFormat {
    /** As the file stores them: BF16 stays BF16 ({@link PackedMatrix}), F32 and F16 are float32. */
    STORED,
    /** Everything widened to float32 at load, as PyTorch computes. */
    F32,
    /**
     * 8-bit integers with a float32 scale per output row (symmetric, round to nearest), quantized at load from
     * whatever the file stores: a quarter of float32's memory, at an accuracy cost measured in docs/BENCHMARKS.md.
     */
    INT8;

    public static WeightFormat parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("weights must be stored, f32 or int8, got '" + value + "'");
        }
    }
}
