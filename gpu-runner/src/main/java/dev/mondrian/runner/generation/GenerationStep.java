package dev.mondrian.runner.generation;

/**
 * One generated token, with the statistics the original service reported per step.
 *
 * @param text             the text this token completed; empty while a multi-byte character or
 *                         a possible stop string is still incomplete
 * @param peakMemoryBytes  the process's peak resident memory so far
 */
public record GenerationStep(String text, long tokenId, int promptTokens, int generationTokens, double promptTps,
                             double generationTps, long peakMemoryBytes) {}
