package dev.mondrian.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The writer and the reader together: every property said, and read back exactly, in each advisor's voice. */
class CritiqueTest {
    private final CritiqueWriter writer = new CritiqueWriter();
    private final CritiqueReader reader = new CritiqueReader();

    @Test
    void everyCritiqueReadsBackToExactlyThePropertiesItWasWrittenFrom() {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 3000; i++) {
            PhotoProperties properties = PhotoProperties.random(random);
            String advisor = CritiqueWriter.advisorIds().get(i % 4);
            String critique = writer.write(advisor, properties, random);
            assertThat(reader.readAll(critique)).as(critique).contains(properties);
        }
    }

    @Test
    void everyPhrasingOfAValueStatesThatValueAndNothingElse() {
        for (Property property : Property.values()) {
            for (Enum<?> value : property.choices()) {
                Vocabulary.Phrasing phrasing = Vocabulary.of(value);
                for (String clause : phrasing.clauses()) {
                    assertThat(clause).contains("{m}");
                    for (String marker : phrasing.markers()) {
                        String statement = clause.replace("{m}", marker);
                        assertThat(reader.read(statement)).as(statement).isEqualTo(Map.of(property, value));
                    }
                }
            }
        }
    }

    @Test
    void noOtherTextTheWriterUsesStatesAnyProperty() {
        List<String> texts = new ArrayList<>(CritiqueWriter.sharedAdvice());
        for (AdvisorVoice voice : AdvisorVoice.ALL) {
            texts.addAll(voice.openers());
            texts.addAll(voice.closers());
            texts.addAll(voice.headings());
            voice.frames().forEach(f -> texts.add(f.replace("{S}", "").replace("{s}", "")));
            voice.joiners().forEach(j -> texts.add("x" + j + "x"));
            voice.asides().values().forEach(texts::addAll);
            voice.advice().values().forEach(texts::addAll);
        }
        for (String text : texts) {
            assertThat(reader.read(text)).as(text).isEmpty();
        }
    }

    @Test
    void theSamePropertiesAreWordedDifferentlyEachTime() {
        PhotoProperties properties = PhotoProperties.random(new SplittableRandom(12));
        Set<String> texts = new HashSet<>();
        SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < 50; i++) {
            texts.add(writer.write("ansel", properties, random));
        }
        assertThat(texts).hasSize(50);
    }

    @Test
    void sentencesVaryWidelyAcrossCritiques() {
        SplittableRandom random = new SplittableRandom(14);
        List<String> statements = new ArrayList<>();
        Set<String> all = new HashSet<>();
        int count = 0;
        for (int i = 0; i < 200; i++) {
            String critique = writer.write(CritiqueWriter.advisorIds().get(i % 4), PhotoProperties.random(random), random);
            for (String sentence : sentences(critique)) {
                count++;
                all.add(sentence);
                if (!reader.read(sentence).isEmpty()) {
                    statements.add(sentence);
                }
            }
        }
        // Openers, closers and advice recur by design (about half the sentences); the sentences that state
        // properties should hardly ever repeat.
        assertThat(new HashSet<>(statements).size()).as("distinct of %d statements", statements.size())
                .isGreaterThan(statements.size() * 9 / 10);
        assertThat(all.size()).as("distinct of %d sentences", count).isGreaterThan(count / 2);
    }

    @Test
    void aCritiqueHasFourToNineSentences() {
        SplittableRandom random = new SplittableRandom(15);
        for (int i = 0; i < 500; i++) {
            String critique = writer.write(CritiqueWriter.advisorIds().get(i % 4), PhotoProperties.random(random), random);
            assertThat(sentences(critique)).as(critique).hasSizeBetween(4, 9);
        }
    }

    @Test
    void eachAdvisorSpeaksInItsOwnVoice() {
        SplittableRandom random = new SplittableRandom(16);
        for (AdvisorVoice voice : AdvisorVoice.ALL) {
            int own = 0;
            int others = 0;
            for (int i = 0; i < 60; i++) {
                PhotoProperties properties = PhotoProperties.random(random);
                String mine = writer.write(voice.id(), properties, random).toLowerCase(Locale.ROOT);
                assertThat(voice.signature()).as(mine).anyMatch(mine::contains);
                own += signatureWords(voice, mine);
                for (AdvisorVoice other : AdvisorVoice.ALL) {
                    if (other != voice) {
                        String theirs = writer.write(other.id(), properties, random).toLowerCase(Locale.ROOT);
                        assertThat(theirs).isNotEqualTo(mine);
                        others += signatureWords(voice, theirs);
                    }
                }
            }
            // Three other advisors wrote three times as many critiques; per critique this advisor says its own
            // words at least three times as often as they do.
            assertThat(own / 60.0).as(voice.id()).isGreaterThan(3 * others / 180.0);
        }
    }

    @Test
    void theWriterKnowsTheAdvisorsTheServiceShips() throws IOException {
        JsonNode advisors = JsonMapper.builder().build()
                .readTree(CritiqueTest.class.getResourceAsStream("/advisors.json"));
        List<String> ids = new ArrayList<>();
        advisors.forEach(a -> {
            ids.add(a.get("id").asString());
            assertThat(CritiqueWriter.voice(a.get("id").asString()).name()).isEqualTo(a.get("name").asString());
        });
        assertThat(CritiqueWriter.advisorIds()).containsExactlyElementsOf(ids);
        assertThatThrownBy(() -> writer.write("weston", PhotoProperties.random(new SplittableRandom(1)), new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown advisor 'weston'; known advisors: ansel, okeefe, cartier, mondrian");
    }

    @Test
    void theReaderIgnoresNegatedAndContradictoryStatementsAndToleratesLooseTyping() {
        assertThat(reader.read("The horizon is not level.")).isEmpty();
        assertThat(reader.read("The horizon isn’t dead level, and it is not tilted clockwise either.")).isEmpty();
        assertThat(reader.read("The colours are vivid. Actually, the colours are muted.")).isEmpty();
        assertThat(reader.read("THE FOCUS IS TACK SHARP!!")).isEqualTo(Map.of(Property.SHARPNESS, PhotoProperties.Sharpness.CRISP));
        assertThat(reader.read("The light is neither warm nor cool."))
                .isEqualTo(Map.of(Property.TEMPERATURE, PhotoProperties.Temperature.NEUTRAL));
        assertThat(reader.read("It is not too dark; the frame is overexposed."))
                .isEqualTo(Map.of(Property.EXPOSURE, PhotoProperties.Exposure.OVEREXPOSED));
        assertThat(reader.readAll("The frame is overexposed.")).isEmpty();
    }

    private static List<String> sentences(String critique) {
        List<String> out = new ArrayList<>();
        for (String line : critique.split("\n")) {
            if (!line.isBlank() && !line.startsWith("**") && !line.startsWith("#")) {
                for (String sentence : line.strip().split("(?<=[.!?])\\s+")) {
                    out.add(sentence);
                }
            }
        }
        return out;
    }

    private static int signatureWords(AdvisorVoice voice, String text) {
        int count = 0;
        for (String word : voice.signature()) {
            for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
                count++;
            }
        }
        return count;
    }
}
