package dev.mondrian.functions.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JobEventTest {
    @Test
    void theSseFrameCarriesSeqTypeAndJsonInUtf8AndIsBuiltOnceForEveryStream() {
        JobEvent event = new JobEvent("job-1", 42, "token", "{\"type\":\"token\",\"text\":\"café ☕\"}", 7);

        byte[] frame = event.sseFrame();

        assertArrayEquals("id: 42\nevent: token\ndata: {\"type\":\"token\",\"text\":\"café ☕\"}\n\n"
                .getBytes(StandardCharsets.UTF_8), frame);
        assertSame(frame, event.sseFrame(), "every stream of the job sends the one frame");
    }
}
