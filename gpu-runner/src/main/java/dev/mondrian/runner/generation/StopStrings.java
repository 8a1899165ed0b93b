package dev.mondrian.runner.generation;

import java.util.List;

/**
 * Watches generated text for stop strings. Text that could still become the start of a stop
 * string is held back, so a client never sees part of a stop string that is then retracted.
 */
final class StopStrings {
    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    StopStrings(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    /** Adds newly decoded text; returns what may be shown now. */
    String accept(String delta) {
        if (stopped) {
            return "";
        }
        pending.append(delta);
        int earliest = -1;
        for (String stop : stops) {
            int at = pending.indexOf(stop);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
            }
        }
        if (earliest >= 0) {
            stopped = true;
            String out = pending.substring(0, earliest);
            pending.setLength(0);
            return out;
        }
        int hold = heldBack();
        String out = pending.substring(0, pending.length() - hold);
        pending.delete(0, pending.length() - hold);
        return out;
    }

    boolean stopped() {
        return stopped;
    }

    /** At the end: whatever was held back turned out not to be a stop string. */
    String flush() {
        String out = stopped ? "" : pending.toString();
        pending.setLength(0);
        return out;
    }

    private boolean endsWith(String stop, int n) {
        int offset = pending.length() - n;
        for (int i = 0; i < n; i++) {
            if (pending.charAt(offset + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Length of the longest suffix of pending text that is a proper prefix of some stop string. */
    private int heldBack() {
        int best = 0;
        for (String stop : stops) {
            for (int n = Math.min(stop.length() - 1, pending.length()); n > best; n--) {
                if (endsWith(stop, n)) {
                    best = n;
                    break;
                }
            }
        }
        return best;
    }
}
