package dev.mondrian.trainer.data;

import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What the main subject is, drawn as a few filled parts in a local frame about one unit tall, centred on the
 * origin, y pointing down. Each kind varies its proportions with the random source.
 */
enum SubjectKind {
    TREE(Footing.GROUND), CONIFER(Footing.GROUND), FIGURE(Footing.GROUND), HOUSE(Footing.GROUND),
    TOWER(Footing.GROUND), BOAT(Footing.GROUND), ROCK(Footing.ANY), FLOWER(Footing.ANY), VASE(Footing.ANY),
    SUN(Footing.SKY), BALLOON(Footing.SKY), KITE(Footing.SKY), BIRD(Footing.SKY);

    /** Where the subject can stand: on the ground (its base below the horizon), in the sky, or anywhere. */
    enum Footing { GROUND, SKY, ANY }

    /** Which of the subject's two colours a part takes. */
    enum Role { BODY, DETAIL }

    record Part(Shape shape, Role role) {}

    final Footing footing;

    SubjectKind(Footing footing) {
        this.footing = footing;
    }

    List<Part> parts(RandomGenerator random) {
        List<Part> parts = new ArrayList<>();
        switch (this) {
            case TREE -> {
                double crown = Randoms.range(random, 0.5, 0.75);
                double trunk = Randoms.range(random, 0.08, 0.16);
                parts.add(new Part(new Rectangle2D.Double(-trunk / 2, -0.5 + crown * 0.8, trunk, 1 - crown * 0.8), Role.DETAIL));
                parts.add(new Part(blob(random, 0, -0.5 + crown / 2, crown * Randoms.range(random, 0.45, 0.7), crown / 2, 0.12), Role.BODY));
            }
            case CONIFER -> {
                double width = Randoms.range(random, 0.3, 0.5);
                parts.add(new Part(new Rectangle2D.Double(-0.04, 0.3, 0.08, 0.2), Role.DETAIL));
                Path2D tiers = new Path2D.Double();
                for (int tier = 0; tier < 3; tier++) {
                    double top = -0.5 + tier * 0.22;
                    double half = width * (0.55 + 0.25 * tier) / 2;
                    tiers.moveTo(0, top);
                    tiers.lineTo(half, top + 0.38);
                    tiers.lineTo(-half, top + 0.38);
                    tiers.closePath();
                }
                parts.add(new Part(tiers, Role.BODY));
            }
            case FIGURE -> {
                double head = Randoms.range(random, 0.13, 0.17);
                double shoulders = Randoms.range(random, 0.14, 0.22);
                parts.add(new Part(new Ellipse2D.Double(-head / 2, -0.5, head, head * 1.15), Role.DETAIL));
                parts.add(new Part(polygon(-shoulders, -0.5 + head * 1.2, shoulders, -0.5 + head * 1.2,
                        shoulders * 0.8, 0.1, -shoulders * 0.8, 0.1), Role.BODY));
                double stride = Randoms.range(random, 0.02, 0.1);
                parts.add(new Part(polygon(-0.1, 0.08, -0.02, 0.08, -0.03 - stride, 0.5, -0.1 - stride, 0.5), Role.BODY));
                parts.add(new Part(polygon(0.02, 0.08, 0.1, 0.08, 0.1 + stride, 0.5, 0.03 + stride, 0.5), Role.BODY));
            }
            case HOUSE -> {
                double width = Randoms.range(random, 0.9, 1.5);
                double roof = Randoms.range(random, 0.3, 0.45);
                parts.add(new Part(new Rectangle2D.Double(-width / 2, -0.5 + roof, width, 1 - roof), Role.BODY));
                parts.add(new Part(polygon(-width * 0.58, -0.5 + roof, width * 0.58, -0.5 + roof, 0, -0.5), Role.DETAIL));
                parts.add(new Part(new Rectangle2D.Double(-0.08 + Randoms.range(random, -0.2, 0.2) * width, 0.2, 0.16, 0.3), Role.DETAIL));
            }
            case TOWER -> {
                double width = Randoms.range(random, 0.16, 0.26);
                parts.add(new Part(polygon(-width / 2, 0.5, width / 2, 0.5, width * 0.35, -0.3, -width * 0.35, -0.3), Role.BODY));
                parts.add(new Part(new Rectangle2D.Double(-width * 0.45, -0.42, width * 0.9, 0.14), Role.DETAIL));
                parts.add(new Part(polygon(-width * 0.3, -0.42, width * 0.3, -0.42, 0, -0.5), Role.BODY));
            }
            case BOAT -> {
                double length = Randoms.range(random, 1.0, 1.5);
                parts.add(new Part(polygon(-length / 2, 0.2, length / 2, 0.2, length * 0.38, 0.5, -length * 0.38, 0.5), Role.BODY));
                parts.add(new Part(new Rectangle2D.Double(-0.015, -0.5, 0.03, 0.7), Role.BODY));
                parts.add(new Part(polygon(0.03, -0.45, 0.03, 0.15, length * Randoms.range(random, 0.3, 0.45), 0.15), Role.DETAIL));
            }
            case ROCK -> parts.add(new Part(blob(random, 0, 0, Randoms.range(random, 0.5, 0.8), 0.5, 0.18), Role.BODY));
            case FLOWER -> {
                int petals = 5 + random.nextInt(4);
                double turn = random.nextDouble() * Math.PI;
                for (int p = 0; p < petals; p++) {
                    double a = turn + 2 * Math.PI * p / petals;
                    parts.add(new Part(java.awt.geom.AffineTransform.getRotateInstance(a)
                            .createTransformedShape(new Ellipse2D.Double(0.05, -0.1, 0.45, 0.2)), Role.BODY));
                }
                parts.add(new Part(new Ellipse2D.Double(-0.13, -0.13, 0.26, 0.26), Role.DETAIL));
            }
            case VASE -> {
                double belly = Randoms.range(random, 0.25, 0.4);
                double neck = Randoms.range(random, 0.07, 0.12);
                Path2D vase = new Path2D.Double();
                vase.moveTo(-neck, -0.5);
                vase.lineTo(neck, -0.5);
                vase.curveTo(neck, -0.2, belly, -0.2, belly, 0.15);
                vase.curveTo(belly, 0.4, belly * 0.6, 0.5, 0, 0.5);
                vase.curveTo(-belly * 0.6, 0.5, -belly, 0.4, -belly, 0.15);
                vase.curveTo(-belly, -0.2, -neck, -0.2, -neck, -0.5);
                vase.closePath();
                parts.add(new Part(vase, Role.BODY));
                parts.add(new Part(new Rectangle2D.Double(-belly, 0.05, 2 * belly, 0.06), Role.DETAIL));
            }
            case SUN -> parts.add(new Part(new Ellipse2D.Double(-0.5, -0.5, 1, 1), Role.BODY));
            case BALLOON -> {
                double width = Randoms.range(random, 0.55, 0.75);
                parts.add(new Part(new Ellipse2D.Double(-width / 2, -0.5, width, 0.75), Role.BODY));
                parts.add(new Part(new RoundRectangle2D.Double(-0.08, 0.38, 0.16, 0.12, 0.04, 0.04), Role.DETAIL));
                parts.add(new Part(polygon(-0.2, 0.15, -0.17, 0.15, -0.06, 0.4, -0.08, 0.4), Role.DETAIL));
                parts.add(new Part(polygon(0.17, 0.15, 0.2, 0.15, 0.08, 0.4, 0.06, 0.4), Role.DETAIL));
            }
            case KITE -> {
                double width = Randoms.range(random, 0.4, 0.6);
                parts.add(new Part(polygon(0, -0.5, width / 2, -0.15, 0, 0.2, -width / 2, -0.15), Role.BODY));
                parts.add(new Part(polygon(-0.01, 0.2, 0.01, 0.2, 0.09, 0.5, 0.07, 0.5), Role.DETAIL));
            }
            case BIRD -> {
                double lift = Randoms.range(random, 0.1, 0.3);
                parts.add(new Part(polygon(-0.5, -lift, -0.25, -lift - 0.12, 0, 0.05, 0.25, -lift - 0.12, 0.5, -lift,
                        0.25, -lift + 0.06, 0, 0.22, -0.25, -lift + 0.06), Role.BODY));
            }
        }
        return parts;
    }

    /** A smooth irregular closed outline: an ellipse with its radius rippled by a few random harmonics. */
    private static Shape blob(RandomGenerator random, double cx, double cy, double rx, double ry, double ripple) {
        double[] amplitude = new double[4];
        double[] phase = new double[4];
        for (int k = 0; k < 4; k++) {
            amplitude[k] = ripple * random.nextDouble() / (k + 1);
            phase[k] = random.nextDouble() * 2 * Math.PI;
        }
        Path2D path = new Path2D.Double();
        int points = 48;
        for (int p = 0; p < points; p++) {
            double a = 2 * Math.PI * p / points;
            double radius = 1;
            for (int k = 0; k < 4; k++) {
                radius += amplitude[k] * Math.cos((k + 2) * a + phase[k]);
            }
            double x = cx + rx * radius * Math.cos(a);
            double y = cy + ry * radius * Math.sin(a);
            if (p == 0) {
                path.moveTo(x, y);
            } else {
                path.lineTo(x, y);
            }
        }
        path.closePath();
        return path;
    }

    private static Shape polygon(double... xy) {
        Path2D path = new Path2D.Double();
        path.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            path.lineTo(xy[i], xy[i + 1]);
        }
        path.closePath();
        return path;
    }
}
