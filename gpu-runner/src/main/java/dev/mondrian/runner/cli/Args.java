package dev.mondrian.runner.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code --name value} command-line flags, each checked against the flags a command knows; a flag
 * not given falls back to the environment variable {@code MONDRIAN_NAME} ({@code --max-tokens} →
 * {@code MONDRIAN_MAX_TOKENS}).
 */
public final class Args {
    private final Map<String, String> values = new HashMap<>();

    public Args(List<String> args, Set<String> known, Map<String, String> env) {
        for (String name : known) {
            String value = env.get(envName(name));
            if (value != null && !value.isBlank()) {
                values.put(name, value);
            }
        }
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            if (!flag.startsWith("--") || !known.contains(flag.substring(2))) {
                throw new IllegalArgumentException("unknown option '" + flag + "'; options: --" + String.join(", --", known));
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            values.put(flag.substring(2), args.get(++i));
        }
    }

    public static String envName(String flag) {
        return "MONDRIAN_" + flag.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }

    public String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public String require(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required (or set " + envName(name) + ")");
        }
        return value;
    }

    public int integer(String name, int fallback) {
        return parsed(name, fallback, Integer::parseInt, "a whole number");
    }

    public double decimal(String name, double fallback) {
        return parsed(name, fallback, Double::parseDouble, "a number");
    }

    private <T> T parsed(String name, T fallback, Function<String, T> parse, String kind) {
        String value = values.get(name);
        try {
            return value == null ? fallback : parse.apply(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " (or " + envName(name) + ") must be " + kind + ", got '"
                    + value + "'");
        }
    }
}
