package dev.mondrian.runner.service;

import dev.mondrian.runner.generation.Generator;
import dev.mondrian.runner.generation.PromptEncoder;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.tokenizer.ModelTokenizer;
import java.io.IOException;
import java.nio.file.Path;

/** The model a runner loaded once at start and shares between all its jobs (each stream has its own cache). */
record ModelHost(Path folder, Model model, ModelTokenizer tokenizer, Generator generator, PromptEncoder encoder)
        implements AutoCloseable {

    static ModelHost load(Path folder, String device, int context) throws IOException {
        Model model = Model.load(folder, device, context);
        try {
            ModelTokenizer tokenizer = ModelTokenizer.load(folder);
            return new ModelHost(folder, model, tokenizer, new Generator(model, tokenizer),
                    new PromptEncoder(model, tokenizer));
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
    }
}
