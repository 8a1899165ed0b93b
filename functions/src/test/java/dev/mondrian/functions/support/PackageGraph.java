package dev.mondrian.functions.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which of a module's packages use which, read from its sources: every mention of {@code root.pkg.} (an import
 * or a qualified name) in a file of another package of the module. Nothing is loaded, so it needs no class path.
 */
public record PackageGraph(Map<String, Set<String>> uses) {
    /** Sorted, so that the walk, and so each cycle reported, is the same every run. */
    public PackageGraph {
        Map<String, Set<String>> sorted = new TreeMap<>();
        uses.forEach((pkg, used) -> sorted.put(pkg, new TreeSet<>(used)));
        uses = sorted;
    }

    /** @param sources a module's source root; @param root its base package, e.g. {@code dev.mondrian.functions} */
    public static PackageGraph read(Path sources, String root) {
        Path base = sources.resolve(root.replace('.', '/'));
        Pattern mention = Pattern.compile(Pattern.quote(root) + "\\.(\\w+)\\.");
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(base)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = base.relativize(file.getParent());
                if (relative.toString().isEmpty()) {
                    continue; // the root package's own classes (the application) may use any package
                }
                String pkg = relative.getName(0).toString();
                Set<String> used = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = mention.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        used.add(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new PackageGraph(uses);
    }

    /** Every cycle found by a depth-first walk, each as the packages on it, first repeated at the end. */
    public List<List<String>> cycles() {
        List<List<String>> cycles = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        for (String start : uses.keySet()) {
            walk(start, new ArrayList<>(), done, cycles);
        }
        return cycles;
    }

    private void walk(String pkg, List<String> path, Set<String> done, List<List<String>> cycles) {
        int seen = path.indexOf(pkg);
        if (seen >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
            cycle.add(pkg);
            cycles.add(cycle);
            return;
        }
        if (done.contains(pkg)) {
            return;
        }
        path.add(pkg);
        for (String next : uses.getOrDefault(pkg, Set.of())) {
            walk(next, path, done, cycles);
        }
        path.remove(path.size() - 1);
        done.add(pkg);
    }

    /** One line per package: {@code jobs -> advisors, events, http}. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        uses.forEach((pkg, used) -> out.append(pkg).append(" -> ").append(String.join(", ", used)).append('\n'));
        return out.toString();
    }
}
