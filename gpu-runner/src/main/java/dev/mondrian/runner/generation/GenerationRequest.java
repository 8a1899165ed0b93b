package dev.mondrian.runner.generation;

import dev.mondrian.runner.model.Adapter;
import dev.mondrian.runner.model.PreparedImage;
import dev.mondrian.runner.sampling.SamplingParams;
import java.util.List;
import java.util.Set;

/**
 * What to generate from: prompt token ids (chat template already applied) and, for a vision
 * model, the prepared image whose features replace the prompt's image tokens; through a LoRA
 * adapter on the loaded base model, or none (null).
 */
public record GenerationRequest(long[] promptIds, PreparedImage image, int maxTokens, SamplingParams sampling,
                                List<String> stopStrings, Set<Long> eosIds, Adapter adapter) {
    /** Through the base model alone. */
    public GenerationRequest(long[] promptIds, PreparedImage image, int maxTokens, SamplingParams sampling,
                             List<String> stopStrings, Set<Long> eosIds) {
        this(promptIds, image, maxTokens, sampling, stopStrings, eosIds, null);
    }

    public GenerationRequest {
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("the prompt is empty");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be at least 1, got " + maxTokens);
        }
        stopStrings = List.copyOf(stopStrings);
        eosIds = Set.copyOf(eosIds);
    }
}
