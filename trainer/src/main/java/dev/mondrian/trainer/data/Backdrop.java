package dev.mondrian.trainer.data;

/**
 * The scene behind the subject. With a horizon: two planes (sky over land or sea, wall over floor) meeting
 * along a straight line at scene height {@code horizon}. Without: a backdrop that lights unevenly, or two
 * tones split by a steep line that no one would take for a horizon.
 */
record Backdrop(Setting setting, double horizon, Tone upper, Tone lower, double upperFall, double lowerFall,
                double splitDegrees) {

    enum Setting {
        LANDSCAPE(true), SEASCAPE(true), INTERIOR(true), STUDIO(false), WALL(false), SPLIT(false);

        final boolean hasHorizon;

        Setting(boolean hasHorizon) {
            this.hasHorizon = hasHorizon;
        }
    }

    FloatImage paint(SceneFrame frame, float[][] scene) {
        FloatImage image = new FloatImage(frame.width(), frame.height());
        float[] u = scene[0];
        float[] v = scene[1];
        double pixel = 1 / frame.unit();
        double cos = Math.cos(Math.toRadians(splitDegrees));
        double sin = Math.sin(Math.toRadians(splitDegrees));
        for (int i = 0; i < u.length; i++) {
            double lowerShare;
            double upperLuma;
            double lowerLuma;
            switch (setting) {
                case STUDIO -> {
                    // A lit centre falling off towards the corners.
                    double r2 = u[i] * u[i] + (v[i] - horizon) * (v[i] - horizon);
                    lowerShare = 0;
                    upperLuma = upper.luma() - upperFall * r2;
                    lowerLuma = 0;
                }
                case WALL -> {
                    lowerShare = 0;
                    upperLuma = upper.luma() + upperFall * (cos * u[i] + sin * v[i]);
                    lowerLuma = 0;
                }
                case SPLIT -> {
                    double across = -sin * u[i] + cos * v[i] - horizon;
                    lowerShare = Math.clamp(0.5 + across / pixel, 0, 1);
                    upperLuma = upper.luma() + upperFall * across;
                    lowerLuma = lower.luma() + lowerFall * across;
                }
                default -> {
                    double below = v[i] - horizon;
                    lowerShare = Math.clamp(0.5 + below / pixel, 0, 1);
                    // The sky brightens towards the horizon; the land darkens or brightens away from it.
                    upperLuma = upper.luma() + upperFall * below;
                    lowerLuma = lower.luma() + lowerFall * below;
                }
            }
            float[] top = upper.withLuma(upperLuma).rgb();
            float[] rgb = top;
            if (lowerShare > 0) {
                float[] bottom = lower.withLuma(lowerLuma).rgb();
                rgb = new float[3];
                for (int c = 0; c < 3; c++) {
                    rgb[c] = (float) (top[c] * (1 - lowerShare) + bottom[c] * lowerShare);
                }
            }
            image.r[i] = rgb[0];
            image.g[i] = rgb[1];
            image.b[i] = rgb[2];
        }
        return image;
    }
}
