package dev.mondrian.runner.cli;

import dev.mondrian.runner.cli.Cli.Command;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** The runner's commands: generate text, serve jobs, merge an adapter. Training is the trainer's (dev.mondrian.trainer). */
public final class RunnerCli {
    /** Mondrian's own model, from the repository's root: what --model defaults to. */
    public static final Path SHIPPED_MODEL = Path.of("gpu-runner", "model");
    private static final String USAGE = """
            usage: generate --model DIR --prompt TEXT [--image FILE] [--max-tokens N] [--temperature T]
                            [--top-k K] [--top-p P] [--repetition-penalty R] [--seed S] [--stop TEXT]
                            [--device cpu|gpu|auto] [--threads auto|N] [--context N] [--weights stored|f32|int8]
                            [--adapter DIR]
                   runner   --model DIR [--functions-url URL] [--runner-token T | --runner-token-file F]
                            [--data-dir DIR] [--device cpu|gpu|auto] [--threads auto|N] [--context N] [--slots auto|N]
                            [--weights stored|f32|int8]
                            [--update-interval-ms MS] [--delta-interval-ms MS] [--claim-wait-ms MS]
                            [--drain-timeout-ms MS] [--runner-id ID] [--top-k K] [--top-p P]
                            [--repetition-penalty R] [--metrics-port PORT] [--metrics-address ADDRESS]
                            [--adapters DIR] [--adapter-cache N]
                   merge-adapter --model DIR --adapter DIR --out DIR
            Any flag may instead come from the environment: --max-tokens as MONDRIAN_MAX_TOKENS.""";
    private static final List<Command> COMMANDS = List.of(
            new Command("generate", GenerateCommand.OPTIONS, GenerateCommand::run),
            new Command("runner", RunnerCommand.OPTIONS, (args, out, err) -> RunnerCommand.run(args)),
            new Command("merge-adapter", MergeAdapterCommand.OPTIONS, (args, out, err) -> MergeAdapterCommand.run(args, out)));

    private RunnerCli() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run(USAGE, COMMANDS, args, out, err);
    }
}
