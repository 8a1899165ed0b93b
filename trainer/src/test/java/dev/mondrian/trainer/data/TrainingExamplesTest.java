package dev.mondrian.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mondrian.trainer.data.TrainingExamples.Example;
import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainingExamplesTest {
    private final TrainingExamples examples = new TrainingExamples();

    @Test
    void anExampleIsTheSameEveryTimeItIsAskedFor() {
        for (long index : new long[] {0, 12345, TrainingExamples.HELD_OUT.start() + 7}) {
            Example a = examples.example(index, 64);
            Example b = new TrainingExamples().example(index, 64);
            assertThat(b.properties()).isEqualTo(a.properties());
            assertThat(b.advisorId()).isEqualTo(a.advisorId());
            assertThat(b.userPrompt()).isEqualTo(a.userPrompt());
            assertThat(b.critique()).isEqualTo(a.critique());
            assertThat(pixels(b.image())).isEqualTo(pixels(a.image()));
        }
    }

    @Test
    void anExampleIsConsistent() {
        PropertyMeter meter = new PropertyMeter();
        CritiqueReader reader = new CritiqueReader();
        for (long index = 100; index < 112; index++) {
            Example e = examples.example(index, 80);
            assertThat(e.image().getWidth()).isEqualTo(80);
            assertThat(e.image().getHeight()).isEqualTo(80);
            assertThat(meter.measure(e.image())).isEqualTo(e.properties());
            assertThat(reader.readAll(e.critique())).contains(e.properties());
            assertThat(CritiqueWriter.advisorIds()).contains(e.advisorId());
        }
    }

    @Test
    void neighbouringIndicesGiveUnrelatedExamplesAndVariedRequests() {
        Set<String> critiques = new HashSet<>();
        Set<String> advisors = new HashSet<>();
        Set<String> prompts = new HashSet<>();
        Set<PhotoProperties> properties = new HashSet<>();
        for (long index = 0; index < 40; index++) {
            Example e = examples.example(index, 48);
            critiques.add(e.critique());
            advisors.add(e.advisorId());
            prompts.add(e.userPrompt());
            properties.add(e.properties());
        }
        assertThat(critiques).hasSize(40);
        assertThat(properties).hasSize(40);
        assertThat(advisors).containsExactlyInAnyOrderElementsOf(CritiqueWriter.advisorIds());
        assertThat(prompts).contains("").hasSizeGreaterThan(8);
        assertThat(TrainingExamples.prompts()).contains("Critique this photograph.");
    }

    @Test
    void trainingAndHeldOutIndicesAreDisjointAndNothingElseIsAnExample() {
        TrainingExamples.Range training = TrainingExamples.TRAINING;
        TrainingExamples.Range heldOut = TrainingExamples.HELD_OUT;
        assertThat(training.start()).isLessThan(training.end());
        assertThat(heldOut.start()).isLessThan(heldOut.end());
        assertThat(training.end() <= heldOut.start() || heldOut.end() <= training.start()).isTrue();
        assertThat(training.contains(heldOut.start())).isFalse();
        assertThat(heldOut.contains(training.end() - 1)).isFalse();
        assertThatThrownBy(() -> examples.example(-1, 64)).hasMessageContaining("outside the training range");
        assertThatThrownBy(() -> examples.example(heldOut.end(), 64)).isInstanceOf(IllegalArgumentException.class);
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
