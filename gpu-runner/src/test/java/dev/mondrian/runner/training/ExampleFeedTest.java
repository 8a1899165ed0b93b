package dev.mondrian.runner.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.runner.training.data.TrainingExamples;
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

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
