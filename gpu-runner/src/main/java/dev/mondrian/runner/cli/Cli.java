package dev.mondrian.runner.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** Dispatches the runner's commands; bad usage is a message and exit code 2, never a stack trace. */
public final class Cli {
    private static final String USAGE = """
            usage: generate --model DIR --prompt TEXT [--image FILE] [--max-tokens N] [--temperature T]
                            [--top-k K] [--top-p P] [--repetition-penalty R] [--seed S] [--stop TEXT]
                            [--device cpu|gpu|auto] [--context N]""";

    private Cli() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !args[0].equals("generate")) {
            err.println(USAGE);
            return 2;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            GenerateCommand.run(new Args(rest, GenerateCommand.OPTIONS), out, err);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (java.io.IOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }
}
