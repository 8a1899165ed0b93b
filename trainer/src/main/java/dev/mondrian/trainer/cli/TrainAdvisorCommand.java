package dev.mondrian.trainer.cli;

import dev.mondrian.runner.cli.Args;
import dev.mondrian.runner.cli.RunnerCli;
import dev.mondrian.runner.model.ComputeThreads;
import dev.mondrian.trainer.AdvisorTraining;
import dev.mondrian.trainer.AdvisorsFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code train-advisor --advisor NAME [--model DIR] [...]}: a LoRA adapter in one advisor's voice on top of a
 * trained model, into the model folder's {@code adapters/NAME} unless {@code --out} says otherwise.
 */
final class TrainAdvisorCommand {
    static final Set<String> OPTIONS = Set.of("advisor", "model", "out", "steps", "batch", "learning-rate", "rank",
            "alpha", "seed", "advisors", "threads", "modules");

    private TrainAdvisorCommand() {}

    static void run(Args args, PrintStream err) throws IOException {
        String advisor = args.require("advisor");
        Path model = args.get("model", null) != null ? Path.of(args.get("model", null)) : RunnerCli.SHIPPED_MODEL;
        Path out = Path.of(args.get("out", model.resolve("adapters").resolve(advisor).toString()));
        // A fixed thread count: the same seed then gives the same adapter, bit for bit.
        ComputeThreads.configure(model, args.get("threads", "2"));
        int steps = args.integer("steps", 300);
        int batch = args.integer("batch", 8);
        // Small: the shipped model already speaks in every advisor's voice, and a larger rate (1e-3 was tried)
        // moved more of what the critiques state about photos (docs/BENCHMARKS.md).
        double learningRate = args.decimal("learning-rate", 1e-4);
        int rank = args.integer("rank", 8);
        double alpha = args.decimal("alpha", 16);
        int seed = args.integer("seed", 11);
        // PEFT's own default for Qwen2 (the shipped decoder): the attention's q and v. A fifth of the size and of the
        // run-time cost of all seven projections, and on 2000 photos about as accurate (docs/BENCHMARKS.md).
        String modules = args.get("modules", "q_proj,v_proj");
        String command = "./mondrian train-advisor %s --model %s --steps %d --batch %d --learning-rate %s --rank %d"
                .formatted(advisor, model, steps, batch, learningRate, rank)
                + " --alpha %s --seed %d --modules %s".formatted(alpha, seed, modules);
        AdvisorTraining.run(new AdvisorTraining.Options(model, advisor, out, steps, batch, (float) learningRate, rank,
                alpha, seed, modules(modules), AdvisorsFile.read(TrainerCli.advisorsFile(args)), command),
                err::println);
    }

    /** {@code --modules}: "all", or module names separated by commas ({@code q_proj,v_proj}). */
    private static Set<String> modules(String value) {
        if (value.equals("all")) {
            return Set.of();
        }
        Set<String> modules = new TreeSet<>();
        for (String module : value.split(",")) {
            if (module.isBlank()) {
                throw new IllegalArgumentException("--modules takes 'all' or module names separated by commas, got '"
                        + value + "'");
            }
            modules.add(module.strip());
        }
        return modules;
    }
}
