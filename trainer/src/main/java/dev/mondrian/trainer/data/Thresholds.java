package dev.mondrian.trainer.data;

/**
 * Every boundary between property values, in one place. The meter applies them; the renderer aims inside
 * them with a margin. Values are on sRGB-encoded channels in [0, 1]; "luma" is Rec. 709 luma of those.
 */
final class Thresholds {
    private Thresholds() {}

    // Exposure: mean luma. A well-exposed photo averages near middle grey; a third of the range either side
    // of 0.5 is where a viewer calls a picture dark or bright.
    static final double UNDEREXPOSED_BELOW = 0.36;
    static final double OVEREXPOSED_ABOVE = 0.64;

    // Contrast: standard deviation of luma. Fog and haze sit under 0.11; a print with deep blacks and clean
    // whites over a good share of the frame passes 0.21 (a half-black, half-white frame would be 0.5).
    static final double FLAT_BELOW = 0.11;
    static final double PUNCHY_ABOVE = 0.21;

    // Saturation: mean chroma (max minus min channel) over every pixel, grey ones included.
    static final double MUTED_BELOW = 0.09;
    static final double VIVID_ABOVE = 0.20;

    // Palette: below this mean chroma too little of the frame is coloured to name a hue family: NEUTRAL.
    // It sits well under MUTED_BELOW so that a muted photo can still have a palette.
    static final double NEUTRAL_PALETTE_BELOW = 0.035;
    // Pixels greyer than this carry no reliable hue (8-bit rounding alone moves it), so they do not vote.
    static final double HUE_VOTE_MIN_CHROMA = 0.03;
    // Hue family boundaries in degrees on the HSV hue circle; red wraps round 0.
    static final double RED_ORANGE = 15;
    static final double ORANGE_YELLOW = 45;
    static final double YELLOW_GREEN = 75;
    static final double GREEN_BLUE = 165;
    static final double BLUE_PURPLE = 255;
    static final double PURPLE_RED = 345;

    // Temperature: mean of red minus blue over every pixel. A cast this strong on greys is visible.
    static final double WARM_ABOVE = 0.025;
    static final double COOL_BELOW = -0.025;

    // Sharpness: sum |Laplacian| over sum |gradient| of luma, over pixels whose gradient passes the floor. A
    // blurred edge of width s pixels scores about 0.8/s, a clean step or fine grain 1.5 and more; the floor
    // keeps 8-bit rounding in smooth gradients (steps of 1/255) from counting as detail.
    static final double CRISP_ABOVE = 0.65;
    static final double SHARPNESS_GRADIENT_FLOOR = 0.012;
    // Measured at this longest side at most, so a large photo is judged at a viewing size.
    static final int SHARPNESS_MAX_SIDE = 256;

    // Horizon: the strongest straight line within this angle of horizontal is a horizon candidate.
    static final double HORIZON_SEARCH_DEGREES = 20;
    // It is a horizon when its edge pixels cover this share of the frame's width.
    static final double HORIZON_MIN_LENGTH = 0.45;
    // Within this angle it reads as level; the renderer draws level within 1° and tilts from 4°.
    static final double LEVEL_WITHIN_DEGREES = 2.5;
    // Edge pixels: gradient strength above this share of the 99th percentile, and above an absolute floor.
    // The share is low because a subject's outline is often far stronger than a hazy horizon; the vote
    // gating by edge direction keeps the extra texture pixels this lets in from lining up.
    static final double HORIZON_EDGE_SHARE = 0.1;
    static final double HORIZON_EDGE_FLOOR = 0.005;
    static final int HORIZON_MAX_SIDE = 128;

    // Layout (subject and negative space) is judged on a fixed grid over the frame, whatever its size.
    static final int LAYOUT_GRID = 32;
    // Subject: pixels whose colour is this far (RGB distance) from every background colour seen along the
    // frame's border, and at least half as far as the most distinct pixels.
    static final double SUBJECT_MIN_DISTANCE = 0.1;
    static final double SUBJECT_SHARE_OF_PEAK = 0.5;
    // A border colour counts as background when it fills this share of the border; a subject that merely
    // touches the edge fills less.
    static final double BACKGROUND_MIN_BORDER_SHARE = 0.08;

    // Placement of the subject's centre, in fractions of width and height: within this of an edge it is near
    // the edge; within this (half-way to the thirds lines) of the centre on both axes it is centred; anywhere
    // between it sits on or near a thirds line.
    static final double NEAR_EDGE_WITHIN = 0.17;
    static final double CENTERED_WITHIN = 1.0 / 12;

    // Negative space: the grid is cut into cells; a cell is empty when the subject covers less than a quarter of
    // it and its detail (the rms of the image minus a blur of DETAIL_BLUR grid pixels, which leaves smooth ramps
    // and fall-off at zero) stays under the larger of a floor and a share of the photo's own luma spread (so a flat
    // photo's faint texture still counts). The floor sits above the grain a crisp render leaves on the grid.
    static final int LAYOUT_CELL = 4;
    static final double DETAIL_BLUR = 2;
    static final double EMPTY_CELL_FLOOR = 0.008;
    static final double EMPTY_CELL_SHARE_OF_CONTRAST = 0.1;
    static final double CROWDED_BELOW = 0.3;
    static final double OPEN_ABOVE = 0.6;
}
