package dev.mondrian.functions.support;

import dev.mondrian.functions.MondrianProperties;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.util.unit.DataSize;

/** The service's settings for a unit test that builds a piece by hand: the defaults, but for what the test varies. */
public final class TestProperties {
    private TestProperties() {}

    public static MondrianProperties with(String advisorsFile, int subscriberBuffer) {
        return new MondrianProperties(Path.of("unused"), "", "", "", "", "", Duration.ofSeconds(30), 3,
                Duration.ofSeconds(1), Duration.ofSeconds(1), subscriberBuffer, DataSize.ofMegabytes(1), 1000, "", "", "",
                advisorsFile, "", "", Duration.ofSeconds(5), Duration.ofHours(24), Duration.ofSeconds(10), false, 30, 10,
                0, 0, Duration.ofHours(1), Duration.ZERO);
    }
}
