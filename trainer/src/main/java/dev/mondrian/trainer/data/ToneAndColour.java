package dev.mondrian.trainer.data;

import dev.mondrian.trainer.data.PhotoProperties.Palette;

/** The global pixel statistics behind exposure, contrast, saturation, temperature and palette. */
record ToneAndColour(double meanLuma, double lumaSpread, double meanChroma, double warmth, Palette palette) {

    static ToneAndColour of(FloatImage image) {
        int n = image.r.length;
        double lumaSum = 0;
        double lumaSquares = 0;
        double chromaSum = 0;
        double warmthSum = 0;
        double[] hueVotes = new double[Palette.values().length];
        for (int i = 0; i < n; i++) {
            float red = image.r[i];
            float green = image.g[i];
            float blue = image.b[i];
            double luma = FloatImage.luma(red, green, blue);
            lumaSum += luma;
            lumaSquares += luma * luma;
            float max = Math.max(red, Math.max(green, blue));
            float chroma = max - Math.min(red, Math.min(green, blue));
            chromaSum += chroma;
            warmthSum += red - blue;
            if (chroma >= Thresholds.HUE_VOTE_MIN_CHROMA) {
                // Weighted by chroma: a strongly coloured pixel says more about the palette than a tinted grey.
                hueVotes[family(hue(red, green, blue, max, chroma)).ordinal()] += chroma;
            }
        }
        double mean = lumaSum / n;
        double spread = Math.sqrt(Math.max(0, lumaSquares / n - mean * mean));
        double meanChroma = chromaSum / n;
        return new ToneAndColour(mean, spread, meanChroma, warmthSum / n,
                meanChroma < Thresholds.NEUTRAL_PALETTE_BELOW ? Palette.NEUTRAL : strongest(hueVotes));
    }

    /** HSV hue in degrees [0, 360). */
    static double hue(float red, float green, float blue, float max, float chroma) {
        if (chroma <= 0) {
            return 0;
        }
        double sector;
        if (max == red) {
            sector = (green - blue) / chroma;
        } else if (max == green) {
            sector = 2 + (blue - red) / chroma;
        } else {
            sector = 4 + (red - green) / chroma;
        }
        double degrees = 60 * sector;
        return degrees < 0 ? degrees + 360 : degrees;
    }

    static Palette family(double hue) {
        if (hue < Thresholds.RED_ORANGE || hue >= Thresholds.PURPLE_RED) {
            return Palette.RED;
        } else if (hue < Thresholds.ORANGE_YELLOW) {
            return Palette.ORANGE;
        } else if (hue < Thresholds.YELLOW_GREEN) {
            return Palette.YELLOW;
        } else if (hue < Thresholds.GREEN_BLUE) {
            return Palette.GREEN;
        } else if (hue < Thresholds.BLUE_PURPLE) {
            return Palette.BLUE;
        }
        return Palette.PURPLE;
    }

    private static Palette strongest(double[] votes) {
        int best = 0;
        for (int i = 1; i < votes.length; i++) {
            if (votes[i] > votes[best]) {
                best = i;
            }
        }
        return Palette.values()[best];
    }
}
