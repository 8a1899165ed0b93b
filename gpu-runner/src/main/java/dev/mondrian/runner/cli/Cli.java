package dev.mondrian.runner.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Dispatches a program's commands; bad usage is a message and exit code 2, never a stack trace. */
public final class Cli {
    /** What a command does with its checked flags. */
    @FunctionalInterface
    public interface Action {
        void run(Args args, PrintStream out, PrintStream err) throws IOException, InterruptedException;
    }

    /** A command: its name, the flags it knows, and what it does. */
    public record Command(String name, Set<String> options, Action action) {}

    private Cli() {}

    /** @return the exit code: 0 done, 1 failed (I/O), 2 bad usage */
    public static int run(String usage, List<Command> commands, String[] args, PrintStream out, PrintStream err) {
        String name = args.length == 0 ? "" : args[0];
        List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
        Command command = commands.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
        if (command == null) {
            err.println(usage);
            return 2;
        }
        try {
            command.action().run(new Args(rest, command.options(), System.getenv()), out, err);
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
