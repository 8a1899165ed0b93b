package dev.mondrian.runner.model;

import dev.mondrian.runner.tokenizer.TinyTokenizerFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Whole tiny model folders (weights, config, tokenizer) for tests outside this package. */
public final class TinyModels {
    private TinyModels() {}

    /**
     * A tiny LLaVA (SigLIP tower, Qwen2 decoder) over {@link TinyTokenizerFiles}' vision tokenizer,
     * whose end-of-text tokens have zero output rows: it never ends a reply by itself, so every
     * generation runs to max_tokens and a test can count on its length.
     */
    public static Path visionChat(Path dir) throws IOException {
        TinyLlava spec = new TinyLlava(TinyDecoder.chat(TinyTokenizerFiles.VOCAB_SIZE), "siglip_vision_model", 24, 40, 2,
                3, 16, 4, 1e-6, "gelu_pytorch_tanh", -1, "full", TinyTokenizerFiles.IMAGE, true, 31);
        TinyTokenizerFiles.Fixture tokenizer = TinyTokenizerFiles.write(dir, true);
        spec.write(dir, tokenizer.eosIds());
        return dir;
    }

    /**
     * A tiny Qwen2-VL, Qwen2.5-VL or Qwen3-VL ({@code family}: qwen2_vl, qwen2_5_vl, qwen3_vl) over the
     * tiny tokenizer with Qwen-VL's vision markers, whose chat template places images as Qwen's does; like
     * {@link #visionChat}, it never ends a reply by itself.
     */
    public static Path qwenVisionChat(Path dir, String family) throws IOException {
        TinyQwenVl spec = switch (family) {
            case "qwen2_vl" -> TinyQwenVl.qwen2Vl(true);
            case "qwen2_5_vl" -> TinyQwenVl.qwen25Vl(false);
            case "qwen3_vl" -> TinyQwenVl.qwen3Vl(true);
            default -> throw new IllegalArgumentException("no tiny " + family);
        };
        TinyTokenizerFiles.Fixture tokenizer = TinyTokenizerFiles.writeQwenVl(dir);
        TinyQwenVl chat = spec.withVocab(tokenizer.vocabSize());
        if (chat.imageToken() != tokenizer.image() || chat.visionStart() != TinyTokenizerFiles.VISION_START) {
            throw new IllegalStateException("the tiny tokenizer's vision ids moved; TinyQwenVl expects them last");
        }
        chat.write(dir, tokenizer.eosIds());
        return dir;
    }

    /**
     * A PEFT-format LoRA adapter with random factors for every decoder projection of the model folder;
     * {@code fitting} false makes layer 0's q_proj factor one column too wide for the model.
     */
    public static Path adapter(Path modelDir, Path out, long seed, boolean fitting) throws IOException {
        Map<String, int[]> modules;
        try (Model model = Model.load(modelDir, "cpu", 16)) {
            modules = TinyAdapter.decoderModules(model, "model.");
        }
        if (!fitting) {
            int[] q = modules.get("model.layers.0.self_attn.q_proj");
            modules.put("model.layers.0.self_attn.q_proj", new int[] {q[0], q[1] + 1});
        }
        return new TinyAdapter(modules, 4, 8, false, false, seed).write(out, SafeTensorsWriter.DType.F32);
    }
}
