package dev.mondrian.runner.sampling;

/**
 * How the next token is chosen. Temperature 0 is greedy; top-k 0 and top-p 1 disable those
 * filters; a repetition penalty of 1 disables it (above 1 discourages tokens already seen).
 */
public record SamplingParams(double temperature, int topK, double topP, double repetitionPenalty, long seed) {
    public static final SamplingParams GREEDY = new SamplingParams(0, 0, 1, 1, 0);

    public SamplingParams {
        if (!(temperature >= 0 && temperature <= 100)) {
            throw new IllegalArgumentException("temperature must be between 0 and 100, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must not be negative, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (!(repetitionPenalty > 0)) {
            throw new IllegalArgumentException("repetition_penalty must be positive, got " + repetitionPenalty);
        }
    }

    public boolean greedy() {
        return temperature == 0;
    }
}
