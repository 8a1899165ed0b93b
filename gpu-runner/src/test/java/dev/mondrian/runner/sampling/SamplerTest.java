package dev.mondrian.runner.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static float[] logits() {
        return new float[] {1.0f, 3.0f, 2.5f, -1.0f, 0.5f};
    }

    @Test
    void greedyTopK1AndATinyTopPAllPickTheLargestLogit() {
        assertThat(new Sampler(SamplingParams.GREEDY, 5).sample(logits())).isEqualTo(1);
        for (long seed = 0; seed < 20; seed++) {
            assertThat(new Sampler(new SamplingParams(1.0, 1, 1, 1, seed), 5).sample(logits())).isEqualTo(1);
            assertThat(new Sampler(new SamplingParams(1.0, 0, 0.01, 1, seed), 5).sample(logits())).isEqualTo(1);
        }
    }

    @Test
    void topKAndTopPKeepOnlyTheirCandidates() {
        Set<Integer> topTwo = new HashSet<>();
        Set<Integer> all = new HashSet<>();
        for (long seed = 0; seed < 300; seed++) {
            topTwo.add(new Sampler(new SamplingParams(5.0, 2, 1, 1, seed), 5).sample(logits()));
            all.add(new Sampler(new SamplingParams(5.0, 0, 1, 1, seed), 5).sample(logits()));
        }
        assertThat(topTwo).containsExactlyInAnyOrder(1, 2);
        assertThat(all).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    }

    @Test
    void theSameSeedDrawsTheSameSequence() {
        Sampler a = new Sampler(new SamplingParams(1.5, 0, 0.9, 1, 42), 5);
        Sampler b = new Sampler(new SamplingParams(1.5, 0, 0.9, 1, 42), 5);
        for (int i = 0; i < 50; i++) {
            assertThat(a.sample(logits())).isEqualTo(b.sample(logits()));
        }
    }

    @Test
    void repetitionPenaltyTurnsGreedyAwayFromSeenTokens() {
        Sampler sampler = new Sampler(new SamplingParams(0, 0, 1, 2.0, 0), 5);
        sampler.observe(1);
        // 3.0 / 2 = 1.5 < 2.5: the unseen token 2 wins now.
        assertThat(sampler.sample(logits())).isEqualTo(2);
    }

    @Test
    void absurdParametersAreRefused() {
        assertThatThrownBy(() -> new SamplingParams(-1, 0, 1, 1, 0)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new SamplingParams(1, 0, 0, 1, 0)).hasMessageContaining("top_p");
        assertThatThrownBy(() -> new SamplingParams(1, -3, 1, 1, 0)).hasMessageContaining("top_k");
    }
}
