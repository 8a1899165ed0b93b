package dev.mondrian.runner.generation;

import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.tokenizer.ModelTokenizer;

/** Starts token streams over one loaded model; the model is shared, each stream has its own cache. */
public final class Generator {
    private final Model model;
    private final ModelTokenizer tokenizer;

    public Generator(Model model, ModelTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    public TokenStream stream(GenerationRequest request) {
        return new TokenStream(model, request, tokenizer.incrementalDecoder());
    }
}
