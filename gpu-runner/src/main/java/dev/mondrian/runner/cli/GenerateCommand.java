package dev.mondrian.runner.cli;

import dev.mondrian.runner.chat.ChatMessage;
import dev.mondrian.runner.generation.GenerationRequest;
import dev.mondrian.runner.generation.GenerationStep;
import dev.mondrian.runner.generation.Generator;
import dev.mondrian.runner.generation.PromptEncoder;
import dev.mondrian.runner.generation.TokenStream;
import dev.mondrian.runner.model.Adapter;
import dev.mondrian.runner.model.ComputeThreads;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.WeightFormat;
import dev.mondrian.runner.sampling.SamplingParams;
import dev.mondrian.runner.tokenizer.ModelTokenizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * {@code generate --model DIR [--adapter DIR] [--image FILE] --prompt TEXT}: tokens to stdout as they
 * come, stats to stderr.
 */
final class GenerateCommand {
    static final Set<String> OPTIONS = Set.of("model", "image", "prompt", "max-tokens", "temperature", "top-k", "top-p",
            "repetition-penalty", "seed", "device", "threads", "context", "weights", "stop", "adapter");

    private GenerateCommand() {}

    static void run(Args args, PrintStream out, PrintStream err) throws IOException {
        Path folder = Path.of(args.require("model"));
        String prompt = args.require("prompt");
        SamplingParams sampling = new SamplingParams(args.decimal("temperature", 0.7), args.integer("top-k", 0),
                args.decimal("top-p", 1.0), args.decimal("repetition-penalty", 1.0), args.integer("seed", 0));
        ComputeThreads.configure(folder, args.get("threads", "auto"));
        long loadStart = System.nanoTime();
        try (Model model = Model.load(folder, args.get("device", "auto"), args.integer("context", 4096),
                WeightFormat.parse(args.get("weights", "stored")));
             ModelTokenizer tokenizer = ModelTokenizer.load(folder);
             Adapter adapter = args.get("adapter", null) == null ? null
                     : Adapter.load(Path.of(args.get("adapter", null)), model)) {
            err.printf("loaded %s%s on %s in %.1f s%n", folder, adapter == null ? "" : " with adapter " + adapter.name(),
                    model.device(), (System.nanoTime() - loadStart) / 1e9);
            String imagePath = args.get("image", null);
            BufferedImage image = null;
            if (imagePath != null) {
                image = ImageIO.read(Path.of(imagePath).toFile());
                if (image == null) {
                    throw new IllegalArgumentException(imagePath + " is not an image this JVM can read");
                }
            }
            PromptEncoder.Encoded encoded = new PromptEncoder(model, tokenizer)
                    .encode(List.of(new ChatMessage("user", prompt, image == null ? 0 : 1)), image);
            String stop = args.get("stop", null);
            GenerationRequest request = new GenerationRequest(encoded.ids(), encoded.image(), args.integer("max-tokens", 256), sampling,
                    stop == null ? List.of() : List.of(stop), tokenizer.eosTokenIds(), adapter);
            GenerationStep last = null;
            try (TokenStream stream = new Generator(model, tokenizer).stream(request)) {
                while (stream.hasNext()) {
                    last = stream.next();
                    out.print(last.text());
                    out.flush();
                }
                out.println();
                err.printf("%s: prompt %d tokens at %.1f tok/s, generated %d tokens at %.1f tok/s, peak memory %.0f MB%n",
                        stream.finishReason(), last.promptTokens(), last.promptTps(), last.generationTokens(),
                        last.generationTps(), last.peakMemoryBytes() / 1e6);
            }
        }
    }
}
