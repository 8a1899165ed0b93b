package dev.mondrian.functions.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.functions.support.FakeRunner.Claim;
import dev.mondrian.functions.support.Http;
import dev.mondrian.functions.support.ServiceTest;
import dev.mondrian.functions.support.SseClient;
import dev.mondrian.functions.support.SseClient.Frame;
import dev.mondrian.functions.support.TestImages;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Drives the original Mondrian routes the way its clients did: the iOS app uploads with field
 * {@code image} and follows {@code stream_url}, reading each event's type from its JSON data;
 * the advisor service posts status lines to {@code PUT /job/{id}/thinking}.
 */
class CompatibilityTest extends ServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private JsonNode upload(String field) {
        Http.Response response = http.multipart("/upload",
                Http.form(field, TestImages.jpeg(80, 60), "advisor", "okeefe", "mode", "baseline"));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    @Test
    void anIosClientUploadsStreamsAndReadsTheAnalysis() throws Exception {
        JsonNode upload = upload("image");
        String id = upload.get("job_id").asString();
        assertThat(upload.get("status").asString()).isEqualTo("queued");
        assertThat(upload.get("advisor").asString()).isEqualTo("okeefe");
        assertThat(upload.get("advisors_used").get(0).asString()).isEqualTo("okeefe");
        assertThat(upload.get("mode").asString()).isEqualTo("baseline");
        assertThat(upload.get("filename").asString()).isEqualTo("upload.bin");
        assertThat(upload.get("display_job_id").asString()).isEqualTo(id + " (baseline)");
        assertThat(upload.get("stream_url").asString()).isEqualTo(url("/stream/" + id));
        assertThat(upload.get("status_url").asString()).isEqualTo(url("/status/" + id));
        assertThat(upload.get("analysis_url").asString()).isEqualTo(url("/analysis/" + id));

        String analysis = "# Light\nThe <b>shadows</b> & highlights hold; it's quiet.";
        try (SseClient stream = SseClient.open(upload.get("stream_url").asString())) {
            stream.awaitFrame(f -> f.event().equals("status_update"), WAIT);
            Claim claim = runner.claim(5000);
            assertThat(claim.jobId()).isEqualTo(id);
            Http.Response note = http.putJson("/job/" + id + "/thinking", RUNNER_TOKEN,
                    Map.of("thinking", "Loading MLX model..."));
            assertThat(note.status()).as(note.body()).isEqualTo(200);
            assertThat(runner.thinking(claim, "update_seq", 1, "tokens", 150, "tokens_per_second", 44.1,
                    "text", "Strong diagonal lines. ").status()).isEqualTo(200);

            JsonNode status = http.get("/status/" + id).json();
            assertThat(status.get("id").asString()).isEqualTo(id);
            assertThat(status.get("status").asString()).isEqualTo("running");
            assertThat(status.get("current_step").asString()).isEqualTo("analyzing");
            assertThat(status.get("llm_thinking").asString()).isEqualTo("Generating analysis... (150 tokens, 44.1 tps)");
            assertThat(status.get("progress_percentage").asInt()).isBetween(1, 99);
            assertThat(http.get("/jobs/" + id).json()).isEqualTo(status);

            assertThat(runner.complete(claim, analysis).status()).isEqualTo(200);
            stream.awaitEnd(WAIT);

            List<Frame> frames = stream.frames();
            // The original clients switch on the JSON "type", so it must agree with the event line.
            List<JsonNode> events = frames.stream().map(f -> Http.JSON.readTree(f.data())).toList();
            for (int i = 0; i < frames.size(); i++) {
                assertThat(events.get(i).get("type").asString()).isEqualTo(frames.get(i).event());
                assertThat(events.get(i).get("job_id").asString()).isEqualTo(id);
            }
            assertThat(frames.getFirst().event()).isEqualTo("connected");
            assertThat(frames.getFirst().id()).as("connected is outside the numbered log").isNull();
            assertThat(events.getFirst().size()).isEqualTo(2);
            assertThat(frames.stream().map(Frame::event).filter(e -> !e.equals("token")).toList()).containsExactly(
                    "connected", "status_update", "status_update", "thinking_update", "thinking_update",
                    "status_update", "analysis_complete", "done");

            JsonNode firstStatus = events.get(1).get("job_data");
            assertThat(firstStatus.get("status").asString()).isEqualTo("queued");
            for (String field : List.of("status", "progress_percentage", "current_step", "llm_thinking")) {
                assertThat(firstStatus.has(field)).as(field).isTrue();
            }
            List<String> thinking = events.stream().filter(e -> e.get("type").asString().equals("thinking_update"))
                    .map(e -> e.get("thinking").asString()).toList();
            assertThat(thinking).containsExactly("Loading MLX model...", "Generating analysis... (150 tokens, 44.1 tps)");
            JsonNode lastStatus = events.get(events.size() - 3).get("job_data");
            assertThat(lastStatus.get("status").asString()).isEqualTo("completed");
            assertThat(lastStatus.get("progress_percentage").asInt()).isEqualTo(100);
            assertThat(events.get(events.size() - 2).get("analysis").asString()).isEqualTo(analysis);
            assertThat(events.getLast().get("type").asString()).isEqualTo("done");
        }

        Http.Response page = http.get("/analysis/" + id);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'none'");
        assertThat(page.body()).contains("&lt;b&gt;shadows&lt;/b&gt; &amp; highlights").doesNotContain("<b>");
        assertThat(page.body()).contains("Analysis by Georgia").contains("it&#39;s quiet");
        assertThat(http.get("/status/" + id).json().get("analysis_markdown").asString()).isEqualTo(analysis);

        Http.Response summary = http.get("/summary/" + id);
        assertThat(summary.status()).isEqualTo(200);
        assertThat(summary.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(summary.body()).contains("Summary by Georgia").doesNotContain("<b>");
    }

    /** The original's advisor routes: a list with a count and a time, one advisor wrapped under "advisor". */
    @Test
    void theAdvisorsAndASummaryHaveTheOriginalShapes() {
        JsonNode list = http.get("/advisors").json();
        assertThat(list.propertyNames()).containsExactlyInAnyOrder("advisors", "count", "timestamp");
        assertThat(list.get("count").asInt()).isEqualTo(list.get("advisors").size()).isGreaterThanOrEqualTo(3);
        JsonNode first = list.get("advisors").get(0);
        assertThat(first.propertyNames()).containsExactlyInAnyOrder("id", "name", "specialty", "bio", "focus_areas",
                "artworks", "image_url");
        JsonNode one = http.get("/advisors/" + first.get("id").asString()).json();
        assertThat(one.propertyNames()).containsExactlyInAnyOrder("advisor", "timestamp");
        assertThat(one.get("advisor").get("name").asString()).isEqualTo(first.get("name").asString());
        assertThat(one.get("advisor").has("learn_more")).isTrue();
        Http.Response unknown = http.get("/advisors/nobody");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error()).isEqualTo("Advisor 'nobody' not found");

        assertThat(http.get("/summary/nope").error()).isEqualTo("Job not found");
        String queued = upload("image").get("job_id").asString();
        Http.Response early = http.get("/summary/" + queued);
        assertThat(early.status()).isEqualTo(400);
        assertThat(early.error()).isEqualTo("Job not completed");
    }

    @Test
    void aSummaryIsTheOpeningSentenceOfEachOfTheFirstThreeParagraphs() {
        assertThat(AnalysisPage.openingSentences("The light is soft. It falls left.\n\nThe horizon tilts!  Level it."
                + "\n\n\nCrop tighter? Maybe.\n\nA fourth point.", 3))
                .containsExactly("The light is soft.", "The horizon tilts!", "Crop tighter?");
        assertThat(AnalysisPage.openingSentences("no full stop at all", 3)).containsExactly("no full stop at all");
    }

    @Test
    void curlUploadsWithFieldFileAndAResumedStreamGreetsAgainWithoutRepeatingEvents() throws Exception {
        String id = upload("file").get("job_id").asString();
        Claim claim = runner.claim(5000);
        runner.complete(claim, "Fine.");
        try (SseClient resumed = SseClient.resume(url("/stream/" + id), "2")) {
            resumed.awaitEnd(WAIT);
            assertThat(resumed.frames().stream().map(Frame::event).toList())
                    .containsExactly("connected", "status_update", "analysis_complete", "done");
            assertThat(resumed.frames().stream().skip(1).map(Frame::id).toList()).containsExactly("3", "4", "5");
        }
    }

    /**
     * A refused request whose body comes after its headers (as Java's HTTP client sends it) leaves its connection
     * usable: the server reads the body before answering, where it used to answer at once and then close the
     * connection without notice, so the client's next request on it got no answer.
     */
    @Test
    void aRefusedRequestsLateBodyIsReadAndItsConnectionServesTheNextRequest() throws Exception {
        String id = upload("image").get("job_id").asString();
        String body = "{\"thinking\": \"hi\"}";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /job/" + id + "/thinking HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(300);
            out.write(body.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(readResponse(in)).startsWith("HTTP/1.1 401");

            String blank = "{\"thinking\": \" \"}";
            out.write(("PUT /job/" + id + "/thinking HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + RUNNER_TOKEN + "\r\nContent-Length: " + blank.length() + "\r\n\r\n" + blank)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(in)).as("the next request on the same connection").startsWith("HTTP/1.1 400");
        }
    }

    /** One HTTP/1.1 response: its status line, after its headers and its Content-Length body are read; "" at EOF. */
    private static String readResponse(BufferedReader in) throws IOException {
        String status = in.readLine();
        if (status == null) {
            return "";
        }
        int length = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        for (long left = length; left > 0; ) { // JSON error bodies are ASCII, so characters are bytes
            long skipped = in.skip(left);
            if (skipped <= 0) {
                break;
            }
            left -= skipped;
        }
        return status;
    }

    @Test
    void theThinkingCallbackNeedsTheRunnerTokenAndALiveJob() {
        String id = upload("image").get("job_id").asString();
        Http.Response anonymous = http.putJson("/job/" + id + "/thinking", null, Map.of("thinking", "hi"));
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(http.putJson("/job/" + id + "/thinking", RUNNER_TOKEN, Map.of("thinking", " ")).status())
                .isEqualTo(400);
        assertThat(http.putJson("/job/" + id + "/thinking", RUNNER_TOKEN, "{\"thinking\": ").status()).isEqualTo(400);
        assertThat(count("SELECT COUNT(*) FROM job_events WHERE job_id = '" + id + "' AND type = 'thinking_update'"))
                .isZero();

        http.post("/api/jobs/" + id + "/cancel", "application/json", new byte[0]);
        Http.Response late = http.putJson("/job/" + id + "/thinking", RUNNER_TOKEN, Map.of("thinking", "too late"));
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.error()).contains("cancelled");
        Http.Response unknown = http.putJson("/job/nope/thinking", RUNNER_TOKEN, Map.of("thinking", "x"));
        assertThat(unknown.status()).isEqualTo(404);
    }

    @Test
    void badRequestsOnTheOriginalRoutesAreClearJsonErrors() {
        Http.Response noFile = http.multipart("/upload", Http.form("advisor", "ansel"));
        assertThat(noFile.status()).isEqualTo(400);
        assertThat(noFile.error()).contains("'image' or 'file'");
        Http.Response notImage = http.multipart("/upload", Http.form("image", "plain text".getBytes()));
        assertThat(notImage.status()).isEqualTo(415);
        Http.Response badAdvisor = http.multipart("/upload", Http.form("image", TestImages.png(8, 8), "advisor", "nobody"));
        assertThat(badAdvisor.status()).isEqualTo(400);
        assertThat(count("SELECT COUNT(*) FROM jobs WHERE advisor = 'nobody'")).isZero();

        for (String path : List.of("/jobs/nope", "/status/nope", "/stream/nope", "/analysis/nope")) {
            Http.Response response = http.get(path);
            assertThat(response.status()).as(path).isEqualTo(404);
            assertThat(response.error()).as(path).contains("nope");
        }
        String queued = upload("image").get("job_id").asString();
        Http.Response early = http.get("/analysis/" + queued);
        assertThat(early.status()).isEqualTo(404);
        assertThat(early.error()).contains("queued");
    }

    @Test
    void listingAllJobsIsForTheAdminOnly() {
        String id = upload("image").get("job_id").asString();
        assertThat(http.get("/jobs").status()).isEqualTo(401);
        assertThat(http.get("/jobs", RUNNER_TOKEN).status()).isEqualTo(401);
        JsonNode list = http.get("/jobs?limit=5", ADMIN_TOKEN).json();
        assertThat(list.get("count").asInt()).isEqualTo(list.get("jobs").size()).isBetween(1, 5);
        JsonNode newest = list.get("jobs").get(0);
        assertThat(newest.get("id").asString()).isEqualTo(id);
        assertThat(newest.get("status").asString()).isEqualTo("queued");
        assertThat(newest.get("advisor").asString()).isEqualTo("okeefe");
        assertThat(newest.get("created_at").asString()).endsWith("Z");
    }
}
