package dev.mondrian.trainer.cli;

import dev.mondrian.runner.cli.Args;
import dev.mondrian.runner.model.Adapter;
import dev.mondrian.runner.model.ComputeThreads;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.llava.Llava;
import dev.mondrian.runner.persona.Advisor;
import dev.mondrian.runner.tokenizer.ModelTokenizer;
import dev.mondrian.trainer.AdvisorsFile;
import dev.mondrian.trainer.Evaluation;
import dev.mondrian.trainer.PairedComparison;
import dev.mondrian.trainer.data.DrawnPhotos;
import dev.mondrian.trainer.data.PhotoProperties;
import dev.mondrian.trainer.data.Property;
import dev.mondrian.trainer.data.PropertyMeter;
import dev.mondrian.trainer.data.TrainingExamples;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code evaluate --model DIR [--photos N] [--drawn N] [--adapters DIR]}: per property, how often the model's
 * critiques of held-out photos are right, and how often a classifier on the words alone names the advisor asked;
 * with {@code --drawn}, the same for photos drawn with none of the renderer's code, whose horizon and subject
 * placement are also scored against how they were drawn (and the meter's reading of them beside it); with
 * {@code --adapters}, each advisor speaks through its adapter there ({@code DIR/<advisor id>}) if it has one, and
 * the same photos are critiqued without adapters too, compared photo by photo ({@link PairedComparison}).
 */
final class EvaluateCommand {
    static final Set<String> OPTIONS = Set.of("model", "photos", "drawn", "advisors", "max-tokens", "adapters");
    /** The properties a drawn photo's drawing fixes; the rest are what the meter measures. */
    private static final List<Property> DRAWN = List.of(Property.HORIZON, Property.PLACEMENT);

    private EvaluateCommand() {}

    static void run(Args args, PrintStream out) throws IOException {
        Path folder = Path.of(args.require("model"));
        int count = args.integer("photos", 200);
        int drawn = args.integer("drawn", 0);
        int maxTokens = args.integer("max-tokens", 400);
        ComputeThreads.configure(folder, "auto");
        Map<String, Advisor> advisors = AdvisorsFile.read(TrainerCli.advisorsFile(args));
        Map<String, Adapter> adapters = new HashMap<>();
        try (Model model = Model.load(folder, "cpu", 2048); ModelTokenizer tokenizer = ModelTokenizer.load(folder)) {
            String adapterDir = args.get("adapters", null);
            for (String advisor : adapterDir == null ? Set.<String>of() : advisors.keySet()) {
                Path adapter = Path.of(adapterDir, advisor);
                if (Files.isDirectory(adapter)) {
                    adapters.put(advisor, Adapter.load(adapter, model));
                }
            }
            Evaluation evaluation = new Evaluation(model, tokenizer, advisors, adapters);
            Evaluation base = adapters.isEmpty() ? null : evaluation.withoutAdapters();
            String adapted = adapters.isEmpty() ? "none" : adapters.keySet().stream().sorted().toList().toString();
            if (count > 0) {
                TrainingExamples examples = new TrainingExamples();
                int size = Llava.tower(model).config().imageSize();
                List<Evaluation.Case> photos = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    TrainingExamples.Example e = examples.example(TrainingExamples.HELD_OUT.start() + i, size);
                    photos.add(new Evaluation.Case(e.image(), e.properties(), e.advisorId(), e.userPrompt()));
                }
                Evaluation.Score score = evaluation.score(photos, maxTokens);
                out.printf("held-out photos: %d, decoding at %.0f tokens/s, adapters: %s%n", score.photos(),
                        score.tokensPerSecond(), adapted);
                voiceAndTable(score, out);
                againstBase(base, photos, score, maxTokens, out);
            }
            if (drawn > 0) {
                drawnPhotos(evaluation, base, advisors, drawn, maxTokens, adapted, out);
            }
        }
    }

    private static void drawnPhotos(Evaluation evaluation, Evaluation base, Map<String, Advisor> advisors, int count,
                                    int maxTokens, String adapted, PrintStream out) {
        PropertyMeter meter = new PropertyMeter();
        List<String> ids = advisors.keySet().stream().sorted().toList();
        List<Evaluation.Case> photos = new ArrayList<>();
        Map<Property, Integer> meterRight = new EnumMap<>(Property.class);
        for (int i = 0; i < count; i++) {
            DrawnPhotos.Drawn photo = DrawnPhotos.draw(i);
            PhotoProperties measured = meter.measure(photo.image());
            Map<Property, Enum<?>> truth = Map.of(Property.HORIZON, photo.horizon(),
                    Property.PLACEMENT, photo.placement());
            truth.forEach((property, value) -> meterRight.merge(property, property.of(measured).equals(value) ? 1 : 0,
                    Integer::sum));
            photos.add(new Evaluation.Case(photo.image(), measured, ids.get(i % ids.size()), "", truth));
        }
        Evaluation.Score score = evaluation.score(photos, maxTokens);
        out.printf("drawn photos: %d, decoding at %.0f tokens/s, adapters: %s%n", score.photos(),
                score.tokensPerSecond(), adapted);
        voiceAndTable(score, out);
        out.println("| as drawn | the critique right | the meter right |");
        out.println("|---|---|---|");
        for (Property property : DRAWN) {
            out.printf("| %s | %.1f%% | %.1f%% |%n", property.label(), 100 * score.accuracyAsDrawn(property),
                    100.0 * meterRight.get(property) / count);
        }
        againstBase(base, photos, score, maxTokens, out);
    }

    /** With adapters, the same photos without them, and photo by photo what the adapters gained and lost. */
    private static void againstBase(Evaluation base, List<Evaluation.Case> photos, Evaluation.Score adapted,
                                    int maxTokens, PrintStream out) {
        if (base == null) {
            return;
        }
        Evaluation.Score without = base.score(photos, maxTokens);
        out.printf("without adapters, the same photos: voice named in %.1f%% (%d of %d)%n",
                100 * without.voiceAccuracy(), without.voiceNamed(), without.photos());
        out.println("| property | right without adapters | with adapters | photos gained | photos lost | p (exact McNemar) |");
        out.println("|---|---|---|---|---|---|");
        List<PairedComparison> rows = PairedComparison.of(without, adapted);
        for (PairedComparison row : rows) {
            out.printf("| %s | %d | %d | %d | %d | %.3g |%n", row.label(), row.base(), row.changed(), row.gained(),
                    row.lost(), row.p());
        }
        List<String> dropped = rows.stream().filter(PairedComparison::dropped).map(PairedComparison::label).toList();
        out.println(dropped.isEmpty()
                ? "no property is stated right less often with the adapters beyond chance (p < "
                        + PairedComparison.SIGNIFICANT + ")"
                : "stated right less often with the adapters, beyond chance (p < " + PairedComparison.SIGNIFICANT
                        + "): " + String.join(", ", dropped));
    }

    private static void voiceAndTable(Evaluation.Score score, PrintStream out) {
        // The counts beside the shares: two runs (with and without adapters, say) compare to the photo.
        out.printf("voice: the advisor asked named from the critique's words alone in %.1f%% (%d of %d)%n",
                100 * score.voiceAccuracy(), score.voiceNamed(), score.photos());
        out.println("| property | stated at all | stated as the meter reads it | photos |");
        out.println("|---|---|---|---|");
        for (Property property : Property.values()) {
            out.printf("| %s | %.1f%% | %.1f%% | %d |%n", property.label(), 100 * score.statedShare(property),
                    100 * score.accuracy(property), score.correct(property));
        }
    }
}
