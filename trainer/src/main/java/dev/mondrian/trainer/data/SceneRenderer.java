package dev.mondrian.trainer.data;

import static dev.mondrian.trainer.data.Randoms.range;

import dev.mondrian.trainer.data.Backdrop.Setting;
import dev.mondrian.trainer.data.PhotoProperties.Horizon;
import dev.mondrian.trainer.data.PhotoProperties.NegativeSpace;
import dev.mondrian.trainer.data.PhotoProperties.Palette;
import dev.mondrian.trainer.data.PhotoProperties.Sharpness;
import dev.mondrian.trainer.data.TextureLayer.Style;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Draws synthetic photos with chosen properties: a backdrop (with or without a horizon at the wanted angle), a
 * subject placed and sized for the placement and negative space, texture for clutter, blur or grain for
 * sharpness, and a grade for exposure, contrast, saturation and temperature. Every draw is measured with
 * {@link PropertyMeter}; when the meter disagrees the scene is drawn again from a new layout, a few times at most,
 * and the closest draw is kept. Deterministic for a given (target, seed, size).
 */
public final class SceneRenderer {
    static final int MAX_ATTEMPTS = 6;

    // Draws of the clutter per scene, each corrected by the negative space the meter read off the last.
    private static final int CLUTTER_ROUNDS = 5;

    private final PropertyMeter meter = new PropertyMeter();
    private final int maxAttempts;

    public SceneRenderer() {
        this(MAX_ATTEMPTS);
    }

    /** With a given number of draws at most, to see how often the first draw alone is right. */
    SceneRenderer(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public BufferedImage render(PhotoProperties target, long seed, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "×" + height);
        }
        if (!target.renderable()) {
            throw new IllegalArgumentException("cannot render " + target + ": see PhotoProperties.renderable()");
        }
        FloatImage best = null;
        int bestMisses = Integer.MAX_VALUE;
        for (int attempt = 0; attempt < maxAttempts && bestMisses > 0; attempt++) {
            FloatImage image = draw(target, new SplittableRandom(Randoms.mix(seed * 31 + attempt)), width, height);
            int misses = meter.measurements(image).properties().differences(target).size();
            if (misses < bestMisses) {
                best = image;
                bestMisses = misses;
            }
        }
        return best.toBufferedImage();
    }

    FloatImage draw(PhotoProperties target, RandomGenerator random, int width, int height) {
        Grader grader = grader(target, width, height, random);
        Setting setting = setting(target.horizon(), random);
        SceneFrame frame = new SceneFrame(width, height, tilt(target.horizon(), random));
        double[] centre = centre(target.placement(), random);
        double area = subjectArea(target.negativeSpace(), random);
        SceneColours colours = SceneColours.choose(target, grader.meanLuma(), grader.lumaSpread(), area, random);
        SubjectKind kind = kind(setting, frame.sceneOf(centre[0], centre[1])[1], area, random);
        SubjectLayer subject = SubjectLayer.place(kind.parts(random), colours.body(), colours.detail(), frame,
                centre[0], centre[1], area);
        Backdrop backdrop = backdrop(setting, frame, subject, kind, colours, random);
        float[][] scene = frame.sceneCoordinates();
        FloatImage plain = backdrop.paint(frame, scene);
        boolean soft = target.sharpness() == Sharpness.SOFT;
        double blur = soft ? Math.max(1.8, 0.016 * Math.min(width, height)) * range(random, 1, 1.3) : 0;
        // Out of focus, fine texture would blur away: coarser texture keeps the clutter the scene needs.
        TextureLayer texture = new TextureLayer(style(setting, random), soft ? range(random, 6, 9) : range(random, 9, 14),
                scene, setting.hasHorizon ? backdrop.horizon() : Double.NaN, random);
        Clutter clutter = Clutter.start(target.negativeSpace(), colours.separation(), random);
        FloatImage graded = null;
        for (int round = 0; round < CLUTTER_ROUNDS; round++) {
            FloatImage image = plain.copy();
            texture.apply(image, clutter.busyShare(), clutter.amplitude());
            subject.paint(image, frame);
            graded = grader.grade(blur > 0 ? Blur.gaussian(image, blur) : image);
            double empty = meter.emptyShare(graded);
            if (clutter.fits(empty)) {
                break;
            }
            clutter = clutter.adjusted(empty);
        }
        return graded;
    }

    private static Setting setting(Horizon horizon, RandomGenerator random) {
        List<Setting> fitting = Arrays.stream(Setting.values())
                .filter(s -> s.hasHorizon == (horizon != Horizon.NONE)).toList();
        return Randoms.pick(random, fitting);
    }

    /** Level within 1°, tilted 4° to 15°; without a horizon any turn up to 15° (it only turns the texture). */
    private static double tilt(Horizon horizon, RandomGenerator random) {
        return switch (horizon) {
            case LEVEL -> range(random, -1, 1);
            case TILTED_CLOCKWISE -> range(random, 4, 15);
            case TILTED_COUNTERCLOCKWISE -> -range(random, 4, 15);
            case NONE -> range(random, -15, 15);
        };
    }

    /** Where the subject's centre goes, as shares of width and height, well inside the placement's zone. */
    private static double[] centre(PhotoProperties.Placement placement, RandomGenerator random) {
        return switch (placement) {
            case CENTERED -> new double[] {0.5 + range(random, -0.03, 0.03), 0.5 + range(random, -0.03, 0.03)};
            case ON_THIRDS -> {
                double x = (random.nextBoolean() ? 1 / 3.0 : 2 / 3.0) + range(random, -0.03, 0.03);
                double y = (random.nextBoolean() ? 1 / 3.0 : 2 / 3.0) + range(random, -0.03, 0.03);
                // A thirds point, or a thirds line with the other axis anywhere in the middle band.
                yield switch (random.nextInt(3)) {
                    case 0 -> new double[] {x, y};
                    case 1 -> new double[] {x, range(random, 0.38, 0.62)};
                    default -> new double[] {range(random, 0.38, 0.62), y};
                };
            }
            case NEAR_EDGE -> {
                double in = range(random, 0.07, 0.115);
                double along = range(random, 0.25, 0.75);
                yield switch (random.nextInt(4)) {
                    case 0 -> new double[] {in, along};
                    case 1 -> new double[] {1 - in, along};
                    case 2 -> new double[] {along, in};
                    default -> new double[] {along, 1 - in};
                };
            }
        };
    }

    /** The subject's share of the frame: small in open space, large when crowded. */
    private static double subjectArea(NegativeSpace space, RandomGenerator random) {
        return switch (space) {
            case OPEN -> range(random, 0.015, 0.045);
            case BALANCED -> range(random, 0.05, 0.1);
            case CROWDED -> range(random, 0.08, 0.16);
        };
    }

    private static SubjectKind kind(Setting setting, double sceneV, double area, RandomGenerator random) {
        List<SubjectKind> kinds = new ArrayList<>(switch (setting) {
            case LANDSCAPE -> List.of(SubjectKind.TREE, SubjectKind.CONIFER, SubjectKind.FIGURE, SubjectKind.HOUSE,
                    SubjectKind.TOWER, SubjectKind.ROCK, SubjectKind.FLOWER, SubjectKind.SUN, SubjectKind.BALLOON,
                    SubjectKind.KITE, SubjectKind.BIRD);
            case SEASCAPE -> List.of(SubjectKind.BOAT, SubjectKind.TOWER, SubjectKind.ROCK, SubjectKind.FIGURE,
                    SubjectKind.SUN, SubjectKind.BIRD, SubjectKind.BALLOON);
            case INTERIOR -> List.of(SubjectKind.VASE, SubjectKind.FIGURE, SubjectKind.FLOWER, SubjectKind.ROCK,
                    SubjectKind.BALLOON);
            case STUDIO, WALL, SPLIT -> List.of(SubjectKind.VASE, SubjectKind.FLOWER, SubjectKind.ROCK,
                    SubjectKind.FIGURE, SubjectKind.BALLOON, SubjectKind.KITE, SubjectKind.BIRD, SubjectKind.SUN,
                    SubjectKind.TREE);
        });
        if (setting.hasHorizon) {
            // Things in the sky go high in the frame, things on the ground not at its very top.
            kinds.removeIf(k -> k.footing == SubjectKind.Footing.SKY && sceneV > 0.1
                    || k.footing == SubjectKind.Footing.GROUND && sceneV < -0.2);
        }
        // A bird is thin: at a large area it would span the frame.
        kinds.removeIf(k -> k == SubjectKind.BIRD && area > 0.04);
        return kinds.isEmpty() ? SubjectKind.ROCK : Randoms.pick(random, kinds);
    }

    private static Backdrop backdrop(Setting setting, SceneFrame frame, SubjectLayer subject, SubjectKind kind,
                                     SceneColours colours, RandomGenerator random) {
        // Light falls off across the planes by a fraction of the subject's separation, so neither end of a plane
        // comes near the subject's tone.
        double fall = colours.separation();
        double upperFall = fall * range(random, -0.6, 0.6);
        double lowerFall = fall * range(random, -0.6, 0.6);
        return switch (setting) {
            case STUDIO -> new Backdrop(setting, range(random, -0.2, 0.2), colours.upper(), colours.lower(),
                    fall * range(random, 0.2, 0.6), 0, 0);
            case WALL -> new Backdrop(setting, 0, colours.upper(), colours.lower(), fall * range(random, -0.4, 0.4), 0,
                    range(random, 0, 360));
            case SPLIT -> {
                // Steep enough (in the frame) that no one takes it for a horizon.
                double steep = random.nextBoolean() ? range(random, 35, 65) : range(random, 78, 90);
                yield new Backdrop(setting, range(random, -0.25, 0.25), colours.upper(), colours.lower(), upperFall,
                        lowerFall, (random.nextBoolean() ? steep : -steep) - frame.tiltDegrees());
            }
            default -> new Backdrop(setting, horizonHeight(frame, subject, kind, random), colours.upper(),
                    colours.lower(), -Math.abs(upperFall), lowerFall, 0);
        };
    }

    /**
     * A horizon height (scene v) that the subject hides little of, preferring one that suits the subject: below
     * a thing in the sky, above the foot of a thing on the ground.
     */
    private static double horizonHeight(SceneFrame frame, SubjectLayer subject, SubjectKind kind,
                                        RandomGenerator random) {
        float[] mask = subject.mask(frame);
        double[] extent = subject.verticalExtent();
        double reach = 0.3 * frame.height() / frame.unit();
        double best = 0;
        double bestScore = Double.MAX_VALUE;
        for (int candidate = 0; candidate < 16; candidate++) {
            double h = range(random, -reach, reach);
            boolean suits = switch (kind.footing) {
                case GROUND -> h < extent[1] - 0.05 * subject.scale();
                case SKY -> h > extent[1];
                case ANY -> true;
            };
            double hidden = hiddenShare(frame, mask, h);
            double score = (hidden > 0.3 ? 10 + hidden : 0) + (suits ? 0 : 1);
            if (score < bestScore) {
                best = h;
                bestScore = score;
            }
        }
        return best;
    }

    /** The share of a horizon at scene height h, as it crosses the frame, that the subject covers. */
    private static double hiddenShare(SceneFrame frame, float[] mask, double h) {
        java.awt.geom.AffineTransform toPixels = frame.sceneToPixels();
        int inside = 0;
        int hidden = 0;
        double step = 0.5 / frame.unit();
        Point2D.Double point = new Point2D.Double();
        for (double u = -1.5 * frame.width() / frame.unit(); u <= 1.5 * frame.width() / frame.unit(); u += step) {
            point.setLocation(u, h);
            toPixels.transform(point, point);
            int x = (int) Math.floor(point.x);
            int y = (int) Math.floor(point.y);
            if (x >= 0 && y >= 0 && x < frame.width() && y < frame.height()) {
                inside++;
                if (mask[y * frame.width() + x] > 0.5) {
                    hidden++;
                }
            }
        }
        return inside == 0 ? 1 : hidden / (double) inside;
    }

    private static Style style(Setting setting, RandomGenerator random) {
        List<Style> styles = Arrays.stream(Style.values()).filter(s -> setting.hasHorizon || !s.needsHorizon()).toList();
        return setting == Setting.SEASCAPE && random.nextBoolean() ? Style.RIPPLES : Randoms.pick(random, styles);
    }

    private static Grader grader(PhotoProperties target, int width, int height, RandomGenerator random) {
        double mean = switch (target.exposure()) {
            case UNDEREXPOSED -> range(random, 0.2, 0.3);
            case BALANCED -> range(random, 0.44, 0.56);
            case OVEREXPOSED -> range(random, 0.7, 0.79);
        };
        double spread = switch (target.contrast()) {
            case FLAT -> range(random, 0.05, 0.085);
            case MODERATE -> range(random, 0.135, 0.18);
            case PUNCHY -> range(random, 0.245, 0.3);
        };
        double chroma = target.palette() == Palette.NEUTRAL ? range(random, 0, 0.02) : switch (target.saturation()) {
            case MUTED -> range(random, 0.05, 0.075);
            case NATURAL -> range(random, 0.125, 0.17);
            case VIVID -> range(random, 0.25, 0.32);
        };
        double[] warmth = switch (target.temperature()) {
            case WARM -> new double[] {0.045, 1};
            case NEUTRAL -> new double[] {-0.008, 0.008};
            case COOL -> new double[] {-1, -0.045};
        };
        // Grain a little finer on small frames, where the layout grid averages fewer pixels and would see it.
        double grain = target.sharpness() == Sharpness.CRISP
                ? range(random, 0.014, 0.022) * Math.clamp(Math.pow(Math.min(width, height) / 96.0, 2), 0.45, 1) : 0;
        return new Grader(mean, spread, chroma, warmth[0], warmth[1], grain, random.nextLong());
    }
}
