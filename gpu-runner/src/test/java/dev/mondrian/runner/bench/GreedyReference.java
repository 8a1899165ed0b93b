package dev.mondrian.runner.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.mondrian.runner.chat.ChatMessage;
import dev.mondrian.runner.generation.PromptEncoder;
import dev.mondrian.runner.model.KvCache;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.sampling.Sampler;
import dev.mondrian.runner.tokenizer.ModelTokenizer;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import tools.jackson.databind.json.JsonMapper;

/**
 * Greedy decoding of one photo and prompt with each step's top logits, in the shape
 * bench/transformers_reference.py writes, so the two can be set side by side: ShippedModelTest does it on
 * the CPU; on a GPU host, {@code main} writes the engine's own file
 * ({@code MODEL_DIR DEVICE IMAGE PROMPT STEPS TOP_K OUT.json}).
 */
public final class GreedyReference {
    /** The greedy ids and, per step, the {@code topK} highest token ids and their logits, highest first. */
    public record Decoded(int promptTokens, List<Long> ids, List<List<Integer>> topIds, List<List<Float>> topLogits) {}

    private GreedyReference() {}

    public static Decoded decode(Model model, ModelTokenizer tokenizer, BufferedImage photo, String prompt, int steps,
                                 int topK) {
        PromptEncoder.Encoded encoded = new PromptEncoder(model, tokenizer)
                .encode(List.of(new ChatMessage("user", prompt, 1)), photo);
        List<Long> ids = new ArrayList<>();
        List<List<Integer>> topIds = new ArrayList<>();
        List<List<Float>> topLogits = new ArrayList<>();
        try (NDManager scratch = model.manager().newSubManager();
             KvCache cache = model.decoder().newCache();
             NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            float[] row = model.forward(scratch, encoded.ids(), encoded.image(), cache, false).toFloatArray();
            for (int step = 0; step < steps; step++) {
                float[] logits = row;
                List<Integer> top = IntStream.range(0, logits.length).boxed()
                        .sorted(Comparator.comparingDouble((Integer i) -> logits[i]).reversed()).limit(topK).toList();
                topIds.add(top);
                topLogits.add(top.stream().map(i -> logits[i]).toList());
                long next = Sampler.argmax(logits, logits.length);
                ids.add(next);
                if (step + 1 < steps) {
                    row = model.forward(scratch, new long[] {next}, null, cache, false).toFloatArray();
                }
            }
        }
        return new Decoded(encoded.ids().length, ids, topIds, topLogits);
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        String device = args[1];
        BufferedImage photo = ImageIO.read(Path.of(args[2]).toFile());
        String prompt = args[3];
        int steps = Integer.parseInt(args[4]);
        int topK = Integer.parseInt(args[5]);
        try (Model model = Model.load(folder, device, 2048); ModelTokenizer tokenizer = ModelTokenizer.load(folder)) {
            Decoded decoded = decode(model, tokenizer, photo, prompt, steps, topK);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("engine", "mondrian");
            out.put("device", model.device().toString());
            out.put("dtype", model.device().isGpu() ? "float16" : "float32");
            out.put("prompt", prompt);
            out.put("prompt_tokens", decoded.promptTokens());
            out.put("ids", decoded.ids());
            out.put("top_ids", decoded.topIds());
            out.put("top_logits", decoded.topLogits());
            out.put("text", tokenizer.decode(decoded.ids().stream().mapToLong(Long::longValue).toArray()));
            Files.writeString(Path.of(args[6]), JsonMapper.builder().build().writeValueAsString(out) + "\n");
        }
    }
}
