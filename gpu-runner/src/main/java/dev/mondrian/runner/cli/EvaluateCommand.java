package dev.mondrian.runner.cli;

import dev.mondrian.runner.model.ComputeThreads;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.llava.Llava;
import dev.mondrian.runner.tokenizer.ModelTokenizer;
import dev.mondrian.runner.training.AdvisorsFile;
import dev.mondrian.runner.training.Evaluation;
import dev.mondrian.runner.training.data.Property;
import dev.mondrian.runner.training.data.TrainingExamples;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code evaluate --model DIR [--photos N]}: per property, how often the model's critiques of held-out photos are right. */
final class EvaluateCommand {
    static final Set<String> OPTIONS = Set.of("model", "photos", "advisors", "max-tokens");

    private EvaluateCommand() {}

    static void run(Args args, PrintStream out) throws IOException {
        Path folder = Path.of(args.require("model"));
        int count = args.integer("photos", 200);
        ComputeThreads.configure(folder, "auto");
        try (Model model = Model.load(folder, "cpu", 2048); ModelTokenizer tokenizer = ModelTokenizer.load(folder)) {
            Evaluation evaluation = new Evaluation(model, tokenizer, folder,
                    AdvisorsFile.read(Path.of(args.get("advisors", AdvisorsFile.DEFAULT.toString()))));
            TrainingExamples examples = new TrainingExamples();
            int size = Llava.tower(model).config().imageSize();
            List<Evaluation.Case> photos = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                TrainingExamples.Example e = examples.example(TrainingExamples.HELD_OUT.start() + i, size);
                photos.add(new Evaluation.Case(e.image(), e.properties(), e.advisorId(), e.userPrompt()));
            }
            Evaluation.Score score = evaluation.score(photos, args.integer("max-tokens", 400));
            out.printf("held-out photos: %d, decoding at %.0f tokens/s%n", score.photos(), score.tokensPerSecond());
            out.println("| property | stated at all | stated correctly |");
            out.println("|---|---|---|");
            for (Property property : Property.values()) {
                out.printf("| %s | %.1f%% | %.1f%% |%n", property.label(), 100 * score.statedShare(property),
                        100 * score.accuracy(property));
            }
        }
    }
}
