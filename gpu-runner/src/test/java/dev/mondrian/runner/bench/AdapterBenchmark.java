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
 * case decodes its own sequences, prefilled with {@value #PROMPT} random tokens (afresh every round on a small
 * model). After one untimed pass over every case (the JIT compiles the step), the cases run in alternation for a
 * number of rounds; a case's cost is the median over rounds of its rate against the no-adapter case of the same job
 * count in the same round, so that the machine's drift from round to round (large on a step of a millisecond)
 * cancels. Not a test. Prints a Markdown table on stdout.
 */
public final class AdapterBenchmark {
    private static final int PROMPT = 128;
    private static final int JOBS = 4;
    private static final int WARMUP = 3;
    /** Steps and rounds on a model of more than {@link ComputeThreads#small} size, and on a small one. */
    private static final int DECODE_LARGE = 16;
    private static final int ROUNDS_LARGE = 5;
    private static final int DECODE_SMALL = 120;
    private static final int ROUNDS_SMALL = 21;

    /** One measured case: how many jobs decode together, and which adapter each row goes through. */
    private record Case(String label, int jobs, int distinct) {}

    private static final List<Case> CASES = List.of(new Case("1 job, no adapter", 1, 0),
            new Case("1 job, its adapter", 1, 1), new Case(JOBS + " jobs, no adapter", JOBS, 0),
            new Case(JOBS + " jobs, one adapter for all", JOBS, 1),
            new Case(JOBS + " jobs, " + JOBS + " distinct adapters", JOBS, JOBS));

    /** One case's sequences: their caches, prefilled with a random prompt each, and each one's next token. */
    private record Sequences(List<KvCache> caches, long[] next) implements AutoCloseable {
        static Sequences prefill(Model model, NDManager scratch, int jobs, SplittableRandom random) {
            int vocab = model.config().text().vocabSize();
            List<KvCache> caches = new ArrayList<>();
            long[] next = new long[jobs];
            for (int b = 0; b < jobs; b++) {
                KvCache cache = model.decoder().newCache();
                next[b] = BatchBenchmark.prefill(model, scratch, cache, random.longs(PROMPT, 0, vocab).toArray());
                caches.add(cache);
            }
            return new Sequences(caches, next);
        }

        @Override
        public void close() {
            caches.forEach(KvCache::close);
        }
    }

    private AdapterBenchmark() {}

    /** {@code run DIR THREADS RANK}: the model folder (BatchBenchmark writes the 0.5B one), threads, rank. */
    public static void main(String[] args) throws Exception {
        if (args.length != 4 || !args[0].equals("run")) {
            System.err.println("usage: AdapterBenchmark run DIR THREADS RANK");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        ComputeThreads.configure(dir, args[2]);
        boolean small = ComputeThreads.small(dir);
        int decode = small ? DECODE_SMALL : DECODE_LARGE;
        int rounds = small ? ROUNDS_SMALL : ROUNDS_LARGE;
        // A small model's steps are so short that a round takes many, which would make the context grow round by
        // round (and attention with it) until it outweighed the weights: there each round starts from fresh prompts.
        int capacity = PROMPT + (small ? 1 : rounds + 1) * (WARMUP + decode);
        try (Model model = Model.load(dir, EngineBenchmark.device(), capacity);
             NDManager scratch = model.manager().newSubManager()) {
            List<Path> folders = adapterFolders(dir, model, Integer.parseInt(args[3]));
            List<Adapter> adapters = new ArrayList<>();
            double[] loads = new double[folders.size()];
            for (int i = 0; i < folders.size(); i++) {
                long start = System.nanoTime();
                adapters.add(Adapter.load(folders.get(i), model));
                loads[i] = (System.nanoTime() - start) / 1e6;
            }
            SplittableRandom random = new SplittableRandom(7);
            Map<Case, Sequences> sequences = new LinkedHashMap<>();
            Map<Case, double[]> rates = new LinkedHashMap<>();
            CASES.forEach(c -> rates.put(c, new double[rounds]));
            try (ProgressLine progress = ProgressLine.start("decode", (rounds + 1) * CASES.size(), "runs")) {
                for (int round = -1; round < rounds; round++) {
                    for (Case c : CASES) {
                        if (small || round == -1) {
                            Sequences old = sequences.put(c, Sequences.prefill(model, scratch, c.jobs(), random));
                            if (old != null) {
                                old.close();
                            }
                        }
                        Sequences s = sequences.get(c);
                        double rate = BatchBenchmark.decode(model, scratch, s.caches(), s.next(), rows(c, adapters),
                                decode);
                        if (round >= 0) {
                            rates.get(c)[round] = rate;
                        }
                        progress.add(1);
                    }
                }
            }
            System.out.println("| case | aggregate tok/s | against no adapter (median of rounds) | rounds |");
            System.out.println("|---|---|---|---|");
            for (Case c : CASES) {
                double[] base = rates.get(CASES.stream()
                        .filter(b -> b.jobs() == c.jobs() && b.distinct() == 0).findFirst().orElseThrow());
                double[] ratios = new double[rounds];
                Arrays.setAll(ratios, round -> rates.get(c)[round] / base[round]);
                System.out.printf("| %s | %.1f | %.3f× | %s |%n", c.label(), EngineBenchmark.median(rates.get(c)),
                        EngineBenchmark.median(ratios),
                        Arrays.toString(Arrays.stream(rates.get(c)).map(r -> Math.round(r * 10) / 10.0).toArray()));
            }
            System.out.printf("%nAdapter load (%s, %d kB each): %s ms%n", folders.getFirst().getParent(),
                    adapters.getFirst().bytes() / 1000,
                    Arrays.toString(Arrays.stream(loads).map(ms -> Math.round(ms * 10) / 10.0).toArray()));
            sequences.values().forEach(Sequences::close);
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
