package dev.mondrian.runner.service;

import dev.mondrian.runner.model.Adapter;
import dev.mondrian.runner.model.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's LoRA adapters: each folder under {@code --adapters} is one, by its folder name. Every one
 * is loaded against the model when the runner starts, so one that does not fit stops the start with
 * the reason rather than failing a job later. The folder is looked at again before every claim
 * ({@link #refresh}): an adapter put there later is checked the same way and offered to the service
 * if it fits, or reported with its reason if not (checked again once its files change). Then at most
 * {@code capacity} stay loaded, the least recently used unloaded first and loaded again when a job asks
 * for it. An adapter a job holds is never unloaded under it: while more are in use than the capacity,
 * the cache runs over it.
 */
final class AdapterCache implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdapterCache.class);
    private static final class Held {
        final Adapter adapter;
        int users;

        Held(Adapter adapter) {
            this.adapter = adapter;
        }
    }

    /** An adapter held for one job; closing it lets the cache unload it again. */
    record Use(Adapter adapter, Runnable release) implements AutoCloseable {
        @Override
        public void close() {
            release.run();
        }
    }

    /** What the runner tells the service at a claim: the adapters that fit, and why the others do not. */
    record Holdings(List<String> usable, Map<String, String> problems) {}

    /** Why an adapter cannot be used, and the state of its files then: it is tried again when they change. */
    private record Problem(String reason, long filesStamp) {}

    private final Model model;
    private final Path folder;
    private final List<String> names = new ArrayList<>();
    private final Map<String, Problem> problems = new TreeMap<>();
    private final int capacity;
    private final Map<String, Held> loaded = new LinkedHashMap<>(16, 0.75f, true);

    private AdapterCache(Model model, Path folder, int capacity) {
        this.model = model;
        this.folder = folder;
        this.capacity = capacity;
    }

    /** @param folder the adapters' folder, or null for none */
    static AdapterCache open(Model model, Path folder, int capacity) throws IOException {
        if (capacity < 1) {
            throw new IllegalArgumentException("--adapter-cache must be at least 1, got " + capacity);
        }
        if (folder != null && !Files.isDirectory(folder)) {
            throw new IllegalArgumentException("--adapters " + folder + " is not a folder");
        }
        AdapterCache cache = new AdapterCache(model, folder, capacity);
        Holdings holdings = cache.refresh();
        if (!holdings.problems().isEmpty()) {
            cache.close();
            Map.Entry<String, String> first = holdings.problems().entrySet().iterator().next();
            throw new IllegalArgumentException("adapter '" + first.getKey() + "': " + first.getValue());
        }
        return cache;
    }

    /**
     * Looks at the folder again: an adapter added since is loaded against the model, one whose files changed
     * since it failed is tried again, and one removed is no longer offered (a job already using it finishes).
     */
    synchronized Holdings refresh() {
        if (folder == null) {
            return new Holdings(List.of(), Map.of());
        }
        List<String> present;
        try (Stream<Path> list = Files.list(folder)) {
            present = list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            log.warn("cannot look at --adapters {} again: {}; offering the adapters it held", folder, e.toString());
            present = List.copyOf(names);
        }
        names.retainAll(present);
        problems.keySet().retainAll(present);
        for (String name : present) {
            if (names.contains(name)) {
                continue;
            }
            long stamp = filesStamp(folder.resolve(name));
            Problem known = problems.get(name);
            if (known != null && known.filesStamp() == stamp) {
                continue;
            }
            names.add(name);
            try (Use use = acquire(name)) { // loaded, so checked against the model
                problems.remove(name);
                log.info("adapter {}: fits the model ({} weights, {} kB)", name, use.adapter().adapted().size(),
                        use.adapter().bytes() / 1000);
            } catch (IOException | RuntimeException e) {
                names.remove(name);
                problems.put(name, new Problem(e.getMessage(), stamp));
                log.error("adapter {} cannot be used: {}", name, e.getMessage());
            }
        }
        Map<String, String> reasons = new TreeMap<>();
        problems.forEach((name, problem) -> reasons.put(name, problem.reason()));
        return new Holdings(List.copyOf(names), reasons);
    }

    /** Changes when an adapter's files are written again; -1 when they cannot be read. */
    private static long filesStamp(Path adapter) {
        long stamp = 0;
        try (Stream<Path> files = Files.list(adapter)) {
            for (Path file : files.toList()) {
                stamp = stamp * 31 + Files.getLastModifiedTime(file).toMillis() + Files.size(file);
            }
        } catch (IOException e) {
            return -1;
        }
        return stamp;
    }

    /**
     * The named adapter, loaded now if it is not held, for one job.
     *
     * @throws IllegalArgumentException when this runner has no adapter of that name
     */
    synchronized Use acquire(String name) throws IOException {
        if (!names.contains(name)) {
            throw new IllegalArgumentException("this runner has no adapter '" + name + "'"
                    + (folder == null ? " (it was started without --adapters)" : " (" + folder + " holds " + names + ")"));
        }
        Held held = loaded.get(name);
        if (held == null) {
            Adapter adapter;
            adapter = Adapter.load(folder.resolve(name), model);
            held = new Held(adapter);
            loaded.put(name, held);
        }
        held.users++;
        Held used = held;
        unloadBeyondCapacity();
        return new Use(used.adapter, () -> release(used));
    }

    private synchronized void release(Held held) {
        held.users--;
        unloadBeyondCapacity();
    }

    /** Least recently used first, skipping those in use. */
    private void unloadBeyondCapacity() {
        Iterator<Held> oldestFirst = loaded.values().iterator();
        while (loaded.size() > capacity && oldestFirst.hasNext()) {
            Held held = oldestFirst.next();
            if (held.users == 0) {
                oldestFirst.remove();
                held.adapter.close();
            }
        }
    }

    /** How many are loaded now. */
    synchronized int loadedCount() {
        return loaded.size();
    }

    @Override
    public synchronized void close() {
        List<Held> all = new ArrayList<>(loaded.values());
        loaded.clear();
        all.forEach(h -> h.adapter.close());
    }
}
