package dev.mondrian.trainer.data;

/** Smooth seeded 2-D noise (value noise on a hashed lattice), summed over octaves; values roughly in [-1, 1]. */
final class ValueNoise {
    private final long seed;

    ValueNoise(long seed) {
        this.seed = seed;
    }

    /** One octave at lattice spacing 1. */
    double at(double x, double y) {
        int ix = (int) Math.floor(x);
        int iy = (int) Math.floor(y);
        double fx = smooth(x - ix);
        double fy = smooth(y - iy);
        double top = lerp(lattice(ix, iy), lattice(ix + 1, iy), fx);
        double bottom = lerp(lattice(ix, iy + 1), lattice(ix + 1, iy + 1), fx);
        return lerp(top, bottom, fy);
    }

    /** Octaves from the given frequency, each twice as fine and half as strong. */
    double fractal(double x, double y, double frequency, int octaves) {
        double sum = 0;
        double weight = 1;
        double total = 0;
        for (int o = 0; o < octaves; o++) {
            sum += weight * at(x * frequency + 17.3 * o, y * frequency - 9.1 * o);
            total += weight;
            weight /= 2;
            frequency *= 2;
        }
        return sum / total;
    }

    private double lattice(int x, int y) {
        long h = seed ^ (x * 0x9E3779B97F4A7C15L) ^ (y * 0xC2B2AE3D27D4EB4FL);
        h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 29)) * 0x94D049BB133111EBL;
        h ^= h >>> 32;
        return (h & 0xFFFFFF) / (double) 0x7FFFFF - 1;
    }

    private static double smooth(double t) {
        return t * t * (3 - 2 * t);
    }

    private static double lerp(double a, double b, double t) {
        return a + (b - a) * t;
    }
}
