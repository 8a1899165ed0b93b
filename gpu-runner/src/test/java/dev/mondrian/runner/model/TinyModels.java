package dev.mondrian.runner.model;

import dev.mondrian.runner.tokenizer.TinyTokenizerFiles;
import java.io.IOException;
import java.nio.file.Path;

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
}
