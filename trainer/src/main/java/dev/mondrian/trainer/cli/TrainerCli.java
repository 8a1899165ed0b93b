package dev.mondrian.trainer.cli;

import dev.mondrian.runner.cli.Args;
import dev.mondrian.runner.cli.Cli.Command;
import dev.mondrian.runner.cli.Cli;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** The trainer's commands: train Mondrian's own model, an advisor's adapter, and score either. */
public final class TrainerCli {
    private static final String USAGE = """
            usage: train    --out DIR [--vision-steps N] [--steps N] [--batch N] [--learning-rate X] [--seed S] [--vocab N]
                            [--advisors FILE] [--threads N]
                   evaluate --model DIR [--photos N] [--max-tokens N] [--advisors FILE] [--adapters DIR]
                   train-advisor --advisor NAME [--model DIR] [--out DIR] [--steps N] [--batch N] [--learning-rate X]
                            [--rank R] [--alpha A] [--seed S] [--advisors FILE] [--threads N]
            Any flag may instead come from the environment: --steps as MONDRIAN_STEPS.""";
    private static final List<Command> COMMANDS = List.of(
            new Command("train", TrainCommand.OPTIONS, (args, out, err) -> TrainCommand.run(args, err)),
            new Command("evaluate", EvaluateCommand.OPTIONS, (args, out, err) -> EvaluateCommand.run(args, out)),
            new Command("train-advisor", TrainAdvisorCommand.OPTIONS,
                    (args, out, err) -> TrainAdvisorCommand.run(args, err)));

    private TrainerCli() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run(USAGE, COMMANDS, args, out, err);
    }

    /** {@code --advisors FILE}, or null for the shipped advisors. */
    static Path advisorsFile(Args args) {
        String file = args.get("advisors", null);
        return file == null ? null : Path.of(file);
    }
}
