package dev.mondrian.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.trainer.data.TrainingExamples;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Drawing ahead on several threads changes nothing: the feed gives exactly the examples, in index order. */
class ExampleFeedTest {
    @Test
    void theFeedGivesTheNumberedExamplesInOrder() {
        TrainingExamples examples = new TrainingExamples();
        try (ExampleFeed feed = new ExampleFeed(40, 24, 3, 5, null)) {
            for (long index = 40; index < 60; index++) {
                TrainingExamples.Example fed = feed.next();
                TrainingExamples.Example direct = examples.example(index, 24);
                assertThat(fed.index()).isEqualTo(index);
                assertThat(fed.critique()).isEqualTo(direct.critique());
                assertThat(fed.properties()).isEqualTo(direct.properties());
                assertThat(pixels(fed.image())).isEqualTo(pixels(direct.image()));
            }
        }
    }

    /** An advisor's adapter learns from every index: the same photo and request, the critique in its voice. */
    @Test
    void aFeedForOneAdvisorRewritesEveryCritiqueInItsVoice() {
        TrainingExamples examples = new TrainingExamples();
        int rewritten = 0;
        try (ExampleFeed feed = new ExampleFeed(100, 24, 2, 4, "cartier")) {
            for (long index = 100; index < 112; index++) {
                TrainingExamples.Example fed = feed.next();
                TrainingExamples.Example drawn = examples.example(index, 24);
                assertThat(fed.advisorId()).isEqualTo("cartier");
                assertThat(fed.userPrompt()).isEqualTo(drawn.userPrompt());
                assertThat(fed.properties()).isEqualTo(drawn.properties());
                assertThat(pixels(fed.image())).isEqualTo(pixels(drawn.image()));
                if (!drawn.advisorId().equals("cartier")) {
                    assertThat(fed.critique()).isNotEqualTo(drawn.critique());
                    rewritten++;
                }
            }
        }
        assertThat(rewritten).as("indices that drew another advisor").isPositive();
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
