package dev.mondrian.runner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which {@link Adapter} each row of a decoder input uses: one for every row (a sequence on its own),
 * or, in a batched step, each sequence's own. Rows are grouped by adapter: a projection adds each
 * group's low-rank term over all rows, masked to the group's, so a step costs one small product pair
 * per distinct adapter in it, whatever the batch size (docs/MODELS.md).
 */
final class AdapterRows {
    /** An adapter and its rows: mask [rows, 1] is 1 on them and 0 elsewhere, or null for every row. */
    record Group(Adapter adapter, NDArray mask) {}

    static final AdapterRows NONE = new AdapterRows(List.of());

    private final List<Group> groups;

    private AdapterRows(List<Group> groups) {
        this.groups = groups;
    }

    /** Every row through {@code adapter}, or through none when it is null. */
    static AdapterRows all(Adapter adapter) {
        return adapter == null ? NONE : new AdapterRows(List.of(new Group(adapter, null)));
    }

    /** Row b through {@code perRow.get(b)} (null: the base model alone). */
    static AdapterRows of(NDManager scope, List<Adapter> perRow, DataType type) {
        Set<Adapter> distinct = new LinkedHashSet<>(perRow);
        if (distinct.size() == 1) {
            return all(perRow.getFirst());
        }
        distinct.remove(null);
        List<Group> groups = new ArrayList<>();
        for (Adapter adapter : distinct) {
            float[] mask = new float[perRow.size()];
            for (int b = 0; b < mask.length; b++) {
                mask[b] = perRow.get(b) == adapter ? 1 : 0;
            }
            groups.add(new Group(adapter, scope.create(mask, new Shape(mask.length, 1)).toType(type, false)));
        }
        return new AdapterRows(List.copyOf(groups));
    }

    List<Group> groups() {
        return groups;
    }
}
