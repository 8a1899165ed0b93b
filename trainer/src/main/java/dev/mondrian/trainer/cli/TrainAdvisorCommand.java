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

/**
 * {@code train-advisor --advisor NAME [--model DIR] [...]}: a LoRA adapter in one advisor's voice on top of a
 * trained model, into the model folder's {@code adapters/NAME} unless {@code --out} says otherwise.
 */
final class TrainAdvisorCommand {
    static final Set<String> OPTIONS = Set.of("advisor", "model", "out", "steps", "batch", "learning-rate", "rank",
            "alpha", "seed", "advisors", "threads");

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
        String command = "./mondrian train-advisor %s --model %s --steps %d --batch %d --learning-rate %s --rank %d"
                .formatted(advisor, model, steps, batch, learningRate, rank) + " --alpha %s --seed %d".formatted(alpha, seed);
        AdvisorTraining.run(new AdvisorTraining.Options(model, advisor, out, steps, batch, (float) learningRate, rank,
                alpha, seed, AdvisorsFile.read(TrainerCli.advisorsFile(args)), command),
                err::println);
    }
}
