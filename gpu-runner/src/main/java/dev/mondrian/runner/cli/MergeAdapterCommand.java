package dev.mondrian.runner.cli;

import dev.mondrian.runner.model.AdapterMerge;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code merge-adapter --model DIR --adapter DIR --out DIR}: a model folder with a LoRA adapter merged into its weights. */
final class MergeAdapterCommand {
    static final Set<String> OPTIONS = Set.of("model", "adapter", "out");

    private MergeAdapterCommand() {}

    static void run(Args args, PrintStream out) throws IOException {
        Path target = Path.of(args.require("out"));
        List<String> merged = AdapterMerge.merge(Path.of(args.require("model")), Path.of(args.require("adapter")), target);
        out.printf("merged %d weights into %s%n", merged.size(), target);
    }
}
