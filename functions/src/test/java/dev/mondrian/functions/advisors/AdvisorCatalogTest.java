package dev.mondrian.functions.advisors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mondrian.functions.MondrianProperties;
import dev.mondrian.functions.support.TestProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/** The advisors: the shipped file, or one of the operator's, whose mistakes stop the start with the reason. */
class AdvisorCatalogTest {
    /** As the service reads JSON (application.properties: snake_case). */
    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

    @TempDir
    Path dir;

    @Test
    void theShippedAdvisorsHaveNoAdapterAndAnOperatorsFileMayGiveOne() throws Exception {
        AdvisorCatalog shipped = new AdvisorCatalog(JSON, properties(""));
        assertThat(shipped.all()).hasSizeGreaterThan(1).allSatisfy(a -> assertThat(a.adapter()).isNull());

        Path file = write("""
                [{"id": "ansel", "name": "Ansel", "bio": "b", "focus_areas": ["exposure"], "voice": "v",
                  "adapter": "ansel-lora"},
                 {"id": "plain", "name": "Plain", "bio": "b", "focus_areas": [], "voice": "v"}]""");
        AdvisorCatalog own = new AdvisorCatalog(JSON, properties(file.toString()));
        assertThat(own.defaultAdvisor().adapter()).isEqualTo("ansel-lora");
        assertThat(own.defaultAdvisor().focusAreas()).containsExactly("exposure");
        assertThat(own.find("plain").orElseThrow().adapter()).isNull();
    }

    @Test
    void aFileThatCannotServeStopsTheStartWithTheReason() throws Exception {
        assertThatThrownBy(() -> new AdvisorCatalog(JSON, properties(write("""
                [{"id": "ansel", "name": "A", "adapter": "../elsewhere"}]""").toString())))
                .hasMessageContaining("ansel's adapter '../elsewhere' must be a folder name");
        assertThatThrownBy(() -> new AdvisorCatalog(JSON, properties(write("""
                [{"id": "ansel", "name": "A"}, {"id": "ansel", "name": "B"}]""").toString())))
                .hasMessageContaining("advisor id ansel is missing or repeated");
        assertThatThrownBy(() -> new AdvisorCatalog(JSON, properties(write("[]").toString())))
                .hasMessageContaining("lists no advisor");
        assertThatThrownBy(() -> new AdvisorCatalog(JSON, properties(dir.resolve("absent.json").toString())))
                .hasMessageContaining("cannot read the advisors from");
    }

    private Path write(String json) throws Exception {
        return Files.writeString(Files.createTempFile(dir, "advisors", ".json"), json);
    }

    private static MondrianProperties properties(String advisorsFile) {
        return TestProperties.with(advisorsFile, 8);
    }
}
