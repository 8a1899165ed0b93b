package dev.mondrian.runner.bench;

import ai.djl.ndarray.NDManager;
import dev.mondrian.progress.ProgressLine;
import dev.mondrian.runner.model.Adapter;
import dev.mondrian.runner.model.ComputeThreads;
import dev.mondrian.runner.model.KvCache;
import dev.mondrian.runner.model.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * What LoRA adapters cost a decode step (issue 20): batched steps of {@link Model#step} with no adapter, with one
 * adapter on every row, and with a distinct adapter per row, for one and for {@value #JOBS} jobs; and how long an
 * adapter takes to load. The adapters are the model folder's own ({@code adapters/}, the shipped model's four), or
 * else {@value #JOBS} of rank {@code RANK} on every projection, written as PEFT writes them and loaded back. Each
 * case decodes its own sequences, prefilled with {@value #PROMPT} random tokens; the cases run in alternation,
 * {@value #ROUNDS} rounds, median shown. Not a test. Prints a Markdown table on stdout.
 */
public final class AdapterBenchmark {
    private static final int PROMPT = 128;
    private static final int JOBS = 4;
    private static final int WARMUP = 3;
    private static final int DECODE_LARGE = 16;
    private static final int DECODE_SMALL = 64;
    private static final int ROUNDS = 5;

    /** One measured case: how many jobs decode together, and which adapter each row goes through. */
    private record Case(String label, int jobs, int distinct) {}

    private static final List<Case> CASES = List.of(new Case("1 job, no adapter", 1, 0),
            new Case("1 job, its adapter", 1, 1), new Case(JOBS + " jobs, no adapter", JOBS, 0),
            new Case(JOBS + " jobs, one adapter for all", JOBS, 1),
            new Case(JOBS + " jobs, " + JOBS + " distinct adapters", JOBS, JOBS));

    private AdapterBenchmark() {}

    /** {@code run DIR THREADS RANK}: the model folder (BatchBenchmark writes the 0.5B one), threads, rank. */
    public static void main(String[] args) throws Exception {
        if (args.length != 4 || !args[0].equals("run")) {
            System.err.println("usage: AdapterBenchmark run DIR THREADS RANK");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        ComputeThreads.configure(dir, args[2]);
        int decode = ComputeThreads.small(dir) ? DECODE_SMALL : DECODE_LARGE;
        try (Model model = Model.load(dir, EngineBenchmark.device(), PROMPT + ROUNDS * (WARMUP + decode));
             NDManager scratch = model.manager().newSubManager()) {
            List<Path> folders = adapterFolders(dir, model, Integer.parseInt(args[3]));
            List<Adapter> adapters = new ArrayList<>();
            double[] loads = new double[folders.size()];
            for (int i = 0; i < folders.size(); i++) {
                long start = System.nanoTime();
                adapters.add(Adapter.load(folders.get(i), model));
                loads[i] = (System.nanoTime() - start) / 1e6;
            }
            int vocab = model.config().text().vocabSize();
            SplittableRandom random = new SplittableRandom(7);
            Map<Case, List<KvCache>> caches = new LinkedHashMap<>();
            Map<Case, long[]> next = new LinkedHashMap<>();
            try (ProgressLine progress = ProgressLine.start("prefill", CASES.stream().mapToInt(Case::jobs).sum(),
                    "sequences")) {
                for (Case c : CASES) {
                    List<KvCache> list = new ArrayList<>();
                    long[] tokens = new long[c.jobs()];
                    for (int b = 0; b < c.jobs(); b++) {
                        KvCache cache = model.decoder().newCache();
                        tokens[b] = BatchBenchmark.prefill(model, scratch, cache, random.longs(PROMPT, 0, vocab).toArray());
                        list.add(cache);
                        progress.add(1);
                    }
                    caches.put(c, list);
                    next.put(c, tokens);
                }
            }
            Map<Case, double[]> rates = new LinkedHashMap<>();
            CASES.forEach(c -> rates.put(c, new double[ROUNDS]));
            try (ProgressLine progress = ProgressLine.start("decode", ROUNDS * CASES.size(), "runs")) {
                for (int round = 0; round < ROUNDS; round++) {
                    for (Case c : CASES) {
                        rates.get(c)[round] = BatchBenchmark.decode(model, scratch, caches.get(c), next.get(c),
                                rows(c, adapters), decode);
                        progress.add(1);
                    }
                }
            }
            System.out.println("| case | aggregate tok/s | against no adapter | rounds |");
            System.out.println("|---|---|---|---|");
            for (Case c : CASES) {
                double rate = EngineBenchmark.median(rates.get(c));
                double base = EngineBenchmark.median(rates.get(CASES.stream()
                        .filter(b -> b.jobs() == c.jobs() && b.distinct() == 0).findFirst().orElseThrow()));
                System.out.printf("| %s | %.1f | %.2f× | %s |%n", c.label(), rate, rate / base,
                        Arrays.toString(Arrays.stream(rates.get(c)).map(r -> Math.round(r * 10) / 10.0).toArray()));
            }
            System.out.printf("%nAdapter load (%s, %d kB each): %s ms%n", folders.getFirst().getParent(),
                    adapters.getFirst().bytes() / 1000,
                    Arrays.toString(Arrays.stream(loads).map(ms -> Math.round(ms * 10) / 10.0).toArray()));
            caches.values().forEach(list -> list.forEach(KvCache::close));
            adapters.forEach(Adapter::close);
        }
    }

    /** The folder's own adapters if it has {@value #JOBS}; else fresh ones of {@code rank}, saved and read back. */
    private static List<Path> adapterFolders(Path dir, Model model, int rank) throws Exception {
        Path own = dir.resolve("adapters");
        if (Files.isDirectory(own)) {
            try (Stream<Path> list = Files.list(own)) {
                List<Path> folders = list.filter(Files::isDirectory).sorted().limit(JOBS).toList();
                if (folders.size() == JOBS) {
                    return folders;
                }
            }
        }
        Path written = Files.createTempDirectory("adapters");
        List<Path> folders = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            // A decoder-only model's canonical weight names are transformers' module paths.
            try (Adapter fresh = Adapter.fresh(model, "a" + i, rank, 2.0 * rank, i)) {
                Path folder = written.resolve("a" + i);
                fresh.save(folder, dir.getFileName().toString(), UnaryOperator.identity());
                folders.add(folder);
            }
        }
        return folders;
    }

    /** Each row's adapter in this case: none, the first for every row, or one each. */
    private static List<Adapter> rows(Case c, List<Adapter> adapters) {
        List<Adapter> rows = new ArrayList<>();
        for (int b = 0; b < c.jobs(); b++) {
            rows.add(c.distinct() == 0 ? null : adapters.get(b % c.distinct()));
        }
        return rows;
    }
}
