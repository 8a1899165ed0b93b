package dev.mondrian.runner.generation;

import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.tokenizer.ModelTokenizer;

/**
 * Starts token streams over one loaded model; the model is shared, each stream has its own cache.
 * With a {@link DecodeBatcher} the streams' decode steps run batched.
 */
public final class Generator {
    private final Model model;
    private final ModelTokenizer tokenizer;
    private final DecodeBatcher batcher;

    public Generator(Model model, ModelTokenizer tokenizer) {
        this(model, tokenizer, null);
    }

    /** @param batcher null: every stream decodes on its own */
    public Generator(Model model, ModelTokenizer tokenizer, DecodeBatcher batcher) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.batcher = batcher;
    }

    public TokenStream stream(GenerationRequest request) {
        return new TokenStream(model, request, tokenizer.incrementalDecoder(), batcher);
    }
}
