package dev.mondrian.trainer;

import dev.mondrian.trainer.cli.TrainerCli;

/** Entry point of the trainer: {@code ./mondrian train}, {@code train-advisor} and {@code evaluate}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(TrainerCli.run(args, System.out, System.err));
    }
}
