package dev.mondrian.runner;

import dev.mondrian.runner.cli.RunnerCli;

/** Entry point of the runner's jar. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(RunnerCli.run(args, System.out, System.err));
    }
}
