package dev.mondrian.runner.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Any {@code tokenizer.json} through DJL's binding of the Hugging Face tokenizers library (native, shipped inside its
 * jar): what {@link ByteLevelCodec} does not take.
 */
final class NativeCodec implements TextCodec {
    private final HuggingFaceTokenizer tokenizer;

    NativeCodec(Path file) throws IOException {
        // The chat template writes the special tokens itself; adding them again would double them.
        tokenizer = HuggingFaceTokenizer.newInstance(file,
                Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
    }

    @Override
    public long[] encode(String text) {
        return tokenizer.encode(text).getIds();
    }

    @Override
    public String decode(long[] ids) {
        return tokenizer.decode(ids, false);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
