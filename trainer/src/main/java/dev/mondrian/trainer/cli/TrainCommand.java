package dev.mondrian.trainer.cli;

import dev.mondrian.runner.cli.Args;
import dev.mondrian.runner.model.ComputeThreads;
import dev.mondrian.trainer.AdvisorsFile;
import dev.mondrian.trainer.ModelRecipe;
import dev.mondrian.trainer.TrainingRun;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** {@code train --out DIR [...]}: Mondrian's own model from generated data, reproducible from its seed. */
final class TrainCommand {
    static final Set<String> OPTIONS = Set.of("out", "steps", "batch", "learning-rate", "seed", "vocab", "advisors",
            "vision-steps",
            "threads");

    private TrainCommand() {}

    static void run(Args args, PrintStream err) throws IOException {
        Path out = Path.of(args.require("out"));
        // A fixed thread count: the same seed then gives the same weights, bit for bit.
        ComputeThreads.configure(out, args.get("threads", "2"));
        TrainingRun.Options options = new TrainingRun.Options(out,
                args.integer("vision-steps", 5000), args.integer("steps", 3200), args.integer("batch", 8),
                (float) args.decimal("learning-rate", 2e-3), args.integer("seed", 7), args.integer("vocab", 1536),
                AdvisorsFile.read(TrainerCli.advisorsFile(args)));
        new TrainingRun(ModelRecipe.DEFAULT, options, err::println).run();
    }
}
