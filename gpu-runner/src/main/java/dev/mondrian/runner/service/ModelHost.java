package dev.mondrian.runner.service;

import dev.mondrian.runner.generation.DecodeBatcher;
import dev.mondrian.runner.generation.Generator;
import dev.mondrian.runner.generation.PromptEncoder;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.WeightFormat;
import dev.mondrian.runner.tokenizer.ModelTokenizer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The model a runner loaded once at start and shares between all its jobs: each job has its own
 * KV cache in one of {@code slots}, and with more than one slot their decode steps run batched,
 * each through its advisor's adapter, if it has one.
 *
 * @param batcher null with one slot
 */
record ModelHost(Path folder, Model model, ModelTokenizer tokenizer, int slots, DecodeBatcher batcher,
                 Generator generator, PromptEncoder encoder, AdapterCache adapters) implements AutoCloseable {

    /**
     * @param slots {@code auto} or a number ({@link Slots})
     * @param adapters the adapters' folder ({@link AdapterCache}), or null for none
     */
    static ModelHost load(Path folder, String device, int context, WeightFormat weights, String slots, Path adapters,
                          int adapterCache) throws IOException {
        Model model = Model.load(folder, device, context, weights);
        try {
            ModelTokenizer tokenizer = ModelTokenizer.load(folder);
            int count = Slots.resolve(slots, model, folder);
            AdapterCache cache = AdapterCache.open(model, adapters, adapterCache);
            DecodeBatcher batcher = count > 1 ? new DecodeBatcher(model) : null;
            return new ModelHost(folder, model, tokenizer, count, batcher, new Generator(model, tokenizer, batcher),
                    new PromptEncoder(model, tokenizer), cache);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** KV cache memory the slots may take. */
    long cacheCapacityBytes() {
        return slots * model.decoder().cacheBytes();
    }

    @Override
    public void close() {
        if (batcher != null) {
            batcher.close();
        }
        adapters.close();
        tokenizer.close();
        model.close();
    }
}
