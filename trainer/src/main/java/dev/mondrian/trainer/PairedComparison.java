package dev.mondrian.trainer;

import dev.mondrian.trainer.data.Property;
import java.util.ArrayList;
import java.util.List;

/**
 * What a change (adapters, say) does to one property's accuracy, photo by photo on the same photos: how many
 * photos the changed model states it right on where the base did not ({@code gained}), and the reverse
 * ({@code lost}). Counts alone cannot tell a real drop from the few photos any change of wording moves; the
 * exact McNemar test can: {@code p} is the chance of a split at least this uneven if the change made no
 * difference, so a small {@code p} with more lost than gained is a drop beyond chance.
 *
 * @param property the property, or null for the nine together (each photo's statement of each property a case)
 */
public record PairedComparison(Property property, int base, int changed, int gained, int lost, double p) {
    /** Below this, a split is taken as more than chance: the usual 5%. */
    public static final double SIGNIFICANT = 0.05;

    /** Per property in declaration order, then the nine together. */
    public static List<PairedComparison> of(Evaluation.Score base, Evaluation.Score changed) {
        if (base.photos() != changed.photos()) {
            throw new IllegalArgumentException("scores of different photos: " + base.photos() + " and "
                    + changed.photos());
        }
        List<PairedComparison> rows = new ArrayList<>();
        int[] all = new int[4];
        for (Property property : Property.values()) {
            int[] counts = new int[4]; // base right, changed right, gained, lost
            for (int i = 0; i < base.photos(); i++) {
                boolean before = base.rightByPhoto().get(i).contains(property);
                boolean after = changed.rightByPhoto().get(i).contains(property);
                counts[0] += before ? 1 : 0;
                counts[1] += after ? 1 : 0;
                counts[2] += after && !before ? 1 : 0;
                counts[3] += before && !after ? 1 : 0;
            }
            rows.add(row(property, counts));
            for (int k = 0; k < all.length; k++) {
                all[k] += counts[k];
            }
        }
        rows.add(row(null, all));
        return rows;
    }

    private static PairedComparison row(Property property, int[] counts) {
        return new PairedComparison(property, counts[0], counts[1], counts[2], counts[3], mcNemar(counts[2], counts[3]));
    }

    /** Fewer right than the base, by more than chance. */
    public boolean dropped() {
        return lost > gained && p < SIGNIFICANT;
    }

    /**
     * The exact (binomial) McNemar test, two-sided: of the {@code gained + lost} photos where the two differ,
     * the chance that a fair coin splits them at least as unevenly.
     */
    static double mcNemar(int gained, int lost) {
        int n = gained + lost;
        if (n == 0) {
            return 1;
        }
        // In logs: 2^-n underflows a double past n = 1074.
        double logHalfToN = -n * Math.log(2);
        double logChoose = 0;
        double tail = 0;
        for (int i = 0; i <= Math.min(gained, lost); i++) {
            if (i > 0) {
                logChoose += Math.log(n - i + 1) - Math.log(i);
            }
            tail += Math.exp(logChoose + logHalfToN);
        }
        return Math.min(1, 2 * tail);
    }

    /** As the tables name it. */
    public String label() {
        return property == null ? "all nine" : property.label();
    }
}
