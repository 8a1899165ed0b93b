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
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's LoRA adapters: each folder under {@code --adapters} is one, by its folder name. Every one
 * is loaded against the model when the runner starts, so one that does not fit stops the start with
 * the reason rather than failing a job later; then at most {@code capacity} stay loaded, the least
 * recently used unloaded first and loaded again when a job asks for it. An adapter a job holds is
 * never unloaded under it: while more are in use than the capacity, the cache runs over it.
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

    private final Model model;
    private final Path folder;
    private final List<String> names;
    private final int capacity;
    private final Map<String, Held> loaded = new LinkedHashMap<>(16, 0.75f, true);

    private AdapterCache(Model model, Path folder, List<String> names, int capacity) {
        this.model = model;
        this.folder = folder;
        this.names = names;
        this.capacity = capacity;
    }

    /** @param folder the adapters' folder, or null for none */
    static AdapterCache open(Model model, Path folder, int capacity) throws IOException {
        if (capacity < 1) {
            throw new IllegalArgumentException("--adapter-cache must be at least 1, got " + capacity);
        }
        if (folder == null) {
            return new AdapterCache(model, null, List.of(), capacity);
        }
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("--adapters " + folder + " is not a folder");
        }
        List<String> names;
        try (Stream<Path> list = Files.list(folder)) {
            names = list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
        AdapterCache cache = new AdapterCache(model, folder, names, capacity);
        try {
            for (String name : names) {
                try (Use use = cache.acquire(name)) { // loaded, so checked against the model
                    log.info("adapter {}: fits the model ({} weights, {} kB)", name, use.adapter().adapted().size(),
                            use.adapter().bytes() / 1000);
                }
            }
        } catch (IOException | RuntimeException e) {
            cache.close();
            throw e;
        }
        return cache;
    }

    /** The adapters this runner has, by name. */
    List<String> names() {
        return names;
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
            try {
                adapter = Adapter.load(folder.resolve(name), model);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("adapter '" + name + "': " + e.getMessage(), e);
            }
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
