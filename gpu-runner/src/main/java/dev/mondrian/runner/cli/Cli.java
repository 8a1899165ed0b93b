package dev.mondrian.runner.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** Dispatches the runner's commands; bad usage is a message and exit code 2, never a stack trace. */
public final class Cli {
    private static final String USAGE = """
            usage: generate --model DIR --prompt TEXT [--image FILE] [--max-tokens N] [--temperature T]
                            [--top-k K] [--top-p P] [--repetition-penalty R] [--seed S] [--stop TEXT]
                            [--device cpu|gpu|auto] [--threads auto|N] [--context N] [--adapter DIR]
                   runner   --model DIR [--functions-url URL] [--runner-token T | --runner-token-file F]
                            [--data-dir DIR] [--device cpu|gpu|auto] [--threads auto|N] [--context N] [--slots auto|N]
                            [--update-interval-ms MS] [--delta-interval-ms MS] [--claim-wait-ms MS]
                            [--drain-timeout-ms MS] [--runner-id ID] [--top-k K] [--top-p P]
                            [--repetition-penalty R] [--metrics-port PORT] [--metrics-address ADDRESS]
                            [--adapters DIR] [--adapter-cache N]
                   train    --out DIR [--vision-steps N] [--steps N] [--batch N] [--learning-rate X] [--seed S] [--vocab N]
                            [--advisors FILE] [--threads N]
                   evaluate --model DIR [--photos N] [--max-tokens N] [--advisors FILE]
                   merge-adapter --model DIR --adapter DIR --out DIR
                   train-advisor --advisor NAME [--model DIR] [--out DIR] [--steps N] [--batch N] [--learning-rate X]
                            [--rank R] [--alpha A] [--seed S] [--advisors FILE] [--threads N]
            Any flag may instead come from the environment: --max-tokens as MONDRIAN_MAX_TOKENS.""";

    private Cli() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String command = args.length == 0 ? "" : args[0];
        List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
        try {
            switch (command) {
                case "generate" -> GenerateCommand.run(new Args(rest, GenerateCommand.OPTIONS, System.getenv()), out, err);
                case "runner" -> RunnerCommand.run(new Args(rest, RunnerCommand.OPTIONS, System.getenv()));
                case "train" -> TrainCommand.run(new Args(rest, TrainCommand.OPTIONS, System.getenv()), err);
                case "evaluate" -> EvaluateCommand.run(new Args(rest, EvaluateCommand.OPTIONS, System.getenv()), out);
                case "train-advisor" ->
                        TrainAdvisorCommand.run(new Args(rest, TrainAdvisorCommand.OPTIONS, System.getenv()), err);
                case "merge-adapter" ->
                        MergeAdapterCommand.run(new Args(rest, MergeAdapterCommand.OPTIONS, System.getenv()), out);
                default -> {
                    err.println(USAGE);
                    return 2;
                }
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
