package dev.mondrian.trainer.data;

import java.util.List;
import java.util.random.RandomGenerator;

final class Randoms {
    private Randoms() {}

    /** Uniform in [lo, hi). */
    static double range(RandomGenerator random, double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }

    static <T> T pick(RandomGenerator random, List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    /** SplitMix64's finaliser: nearby inputs give unrelated seeds. */
    static long mix(long value) {
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
