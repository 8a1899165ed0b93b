package dev.mondrian.trainer.data;

/** A colour of the scene as luma, hue and chroma (chroma before the final grade scales it). */
record Tone(double luma, double hue, double chroma) {

    float[] rgb() {
        return Colours.of(luma, hue, chroma);
    }

    Tone withLuma(double newLuma) {
        return new Tone(Math.clamp(newLuma, 0.02, 0.98), hue, chroma);
    }
}
