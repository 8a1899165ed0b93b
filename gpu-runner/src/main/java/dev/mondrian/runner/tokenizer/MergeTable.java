package dev.mondrian.runner.tokenizer;

import java.util.Arrays;

/**
 * A BPE's merges by the ids of the two tokens they join: each one's rank (its place in the merge list, the lower
 * applied first) and the id of the token it makes. Open addressing over primitive arrays: a 150 000-merge table
 * takes about 8 MB, where a map of boxed pairs took several times that.
 */
final class MergeTable {
    private static final long EMPTY = -1;

    private long[] keys;
    private int[] ranks;
    private int[] merged;
    private int size;

    MergeTable(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        ranks = new int[capacity];
        merged = new int[capacity];
    }

    /** Adds or replaces the merge of {@code left} and {@code right} (a later duplicate wins, as in the Rust library). */
    void put(int left, int right, int rank, int result) {
        if (size * 2 >= keys.length) {
            grow();
        }
        long key = key(left, right);
        int slot = slot(key);
        if (keys[slot] == EMPTY) {
            keys[slot] = key;
            size++;
        }
        ranks[slot] = rank;
        merged[slot] = result;
    }

    /** The rank of merging {@code left} then {@code right}, or -1 when no merge joins them. */
    int rank(int left, int right) {
        int slot = slot(key(left, right));
        return keys[slot] == EMPTY ? -1 : ranks[slot];
    }

    /** The id of the token merging {@code left} then {@code right} makes; only where {@link #rank} is not -1. */
    int merged(int left, int right) {
        return merged[slot(key(left, right))];
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    /** The key's slot, or the empty slot where it would go. */
    private int slot(long key) {
        int mask = keys.length - 1;
        int slot = (int) (mix(key) & mask);
        while (keys[slot] != EMPTY && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private static long mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldRanks = ranks;
        int[] oldMerged = merged;
        keys = new long[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        ranks = new int[keys.length];
        merged = new int[keys.length];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int slot = slot(oldKeys[i]);
                keys[slot] = oldKeys[i];
                ranks[slot] = oldRanks[i];
                merged[slot] = oldMerged[i];
            }
        }
    }
}
