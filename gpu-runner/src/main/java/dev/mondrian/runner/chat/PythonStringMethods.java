package dev.mondrian.runner.chat;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python {@code str} methods on template strings. Chat templates are written for Python's Jinja
 * and call {@code .strip()}, {@code .startswith()}, {@code .split()} and friends; Jinjava would
 * otherwise reach Java's methods (missing, or with other meanings: Java's split takes a regex).
 * Only method calls on strings are answered here; everything else falls through to Jinjava.
 */
final class PythonStringMethods extends ELResolver {
    private static final Set<String> NAMES = Set.of("strip", "lstrip", "rstrip", "upper", "lower", "title",
            "capitalize", "startswith", "endswith", "split", "replace", "find", "count");

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof String text) || !(method instanceof String name) || !NAMES.contains(name)) {
            return null;
        }
        Object[] args = params == null ? new Object[0] : params;
        Object result = call(text, name, args);
        context.setPropertyResolved(true);
        return result;
    }

    static Object call(String s, String name, Object[] args) {
        return switch (name) {
            case "strip" -> rstrip(lstrip(s, chars(args)), chars(args));
            case "lstrip" -> lstrip(s, chars(args));
            case "rstrip" -> rstrip(s, chars(args));
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> title(s);
            case "capitalize" -> s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            case "startswith" -> affixes(args, name).stream().anyMatch(s::startsWith);
            case "endswith" -> affixes(args, name).stream().anyMatch(s::endsWith);
            case "split" -> split(s, args.length > 0 ? (String) args[0] : null, args.length > 1 ? ((Number) args[1]).intValue() : -1);
            case "replace" -> s.replace(string(args, 0, name), string(args, 1, name));
            case "find" -> (long) s.indexOf(string(args, 0, name));
            case "count" -> (long) count(s, string(args, 0, name));
            default -> throw new IllegalStateException("unhandled str method " + name);
        };
    }

    /** {@code null} means Python's default: whitespace. */
    private static String chars(Object[] args) {
        return args.length == 0 || args[0] == null ? null : args[0].toString();
    }

    private static boolean strips(char c, String chars) {
        return chars == null ? Character.isWhitespace(c) || Character.isSpaceChar(c) : chars.indexOf(c) >= 0;
    }

    private static String lstrip(String s, String chars) {
        int start = 0;
        while (start < s.length() && strips(s.charAt(start), chars)) {
            start++;
        }
        return s.substring(start);
    }

    private static String rstrip(String s, String chars) {
        int end = s.length();
        while (end > 0 && strips(s.charAt(end - 1), chars)) {
            end--;
        }
        return s.substring(0, end);
    }

    /** Python uppercases a letter that follows a non-letter and lowercases the rest. */
    private static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousIsLetter = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(previousIsLetter ? Character.toLowerCase(c) : Character.toUpperCase(c));
            previousIsLetter = Character.isLetter(c);
        }
        return out.toString();
    }

    /** startswith/endswith take one string or a tuple (a list here) of them. */
    private static List<String> affixes(Object[] args, String name) {
        if (args.length == 0) {
            throw new IllegalArgumentException("str." + name + "() needs an argument");
        }
        if (args[0] instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(args[0]));
    }

    private static String string(Object[] args, int index, String name) {
        if (args.length <= index || args[index] == null) {
            throw new IllegalArgumentException("str." + name + "() needs " + (index + 1) + " string argument(s)");
        }
        return args[index].toString();
    }

    /** Python's split: no separator splits on whitespace runs and drops empty pieces; a separator keeps them. */
    static List<String> split(String s, String separator, int maxSplit) {
        List<String> parts = new ArrayList<>();
        if (separator == null) {
            int i = 0;
            while (i < s.length()) {
                while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                if (i == s.length()) {
                    break;
                }
                if (maxSplit >= 0 && parts.size() == maxSplit) {
                    parts.add(s.substring(i)); // Python keeps the remainder's trailing whitespace
                    break;
                }
                int start = i;
                while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                parts.add(s.substring(start, i));
            }
            return parts;
        }
        if (separator.isEmpty()) {
            throw new IllegalArgumentException("str.split(): empty separator");
        }
        int start = 0;
        int at;
        while ((maxSplit < 0 || parts.size() < maxSplit) && (at = s.indexOf(separator, start)) >= 0) {
            parts.add(s.substring(start, at));
            start = at + separator.length();
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static int count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1;
        }
        int n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    // Property access is not this resolver's business: report "not resolved" for all of it.
    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return Collections.emptyIterator();
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // never resolves a write
    }
}
