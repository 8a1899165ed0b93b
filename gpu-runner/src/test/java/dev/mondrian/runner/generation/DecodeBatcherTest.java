package dev.mondrian.runner.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.runner.chat.ChatMessage;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.sampling.SamplingParams;
import dev.mondrian.runner.tokenizer.ModelTokenizer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Continuous batching on the shipped model: jobs that arrive while others decode, and one cancelled
 * halfway, give every other job exactly the greedy tokens it gets alone, and steps really are shared.
 */
class DecodeBatcherTest {
    private static final int JOBS = 4;
    /**
     * Far above the 3 ms the runner uses: on a busy machine (CI's two cores) a stream still sampling its last token
     * missed the short window often enough that the jobs decoded mostly alone, and the test checked less than it says.
     */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static Model model;
    private static ModelTokenizer tokenizer;
    private static List<GenerationRequest> requests;

    @BeforeAll
    static void load() throws Exception {
        Path folder = Path.of("model");
        model = Model.load(folder, "cpu", 1024);
        tokenizer = ModelTokenizer.load(folder);
        PromptEncoder prompts = new PromptEncoder(model, tokenizer);
        requests = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            // Different photos and questions: prompts of different lengths, so the caches hold different lengths.
            PromptEncoder.Encoded prompt = prompts.encode(List.of(new ChatMessage("user",
                    "What works here?" + " And what does not?".repeat(i), 1)), photo(i));
            requests.add(new GenerationRequest(prompt.ids(), prompt.image(), 40 + 10 * i, SamplingParams.GREEDY,
                    List.of(), tokenizer.eosTokenIds()));
        }
    }

    /** A sky over a field, the horizon and the sun placed differently for each job. */
    private static BufferedImage photo(int i) {
        BufferedImage image = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(90 + 30 * i, 140, 220 - 30 * i));
        g.fillRect(0, 0, 96, 96);
        g.setColor(new Color(60, 110 + 20 * i, 50));
        g.fillRect(0, 40 + 8 * i, 96, 96);
        g.setColor(Color.YELLOW);
        g.fillOval(10 + 18 * i, 12, 16, 16);
        g.dispose();
        return image;
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        model.close();
    }

    @Test
    void staggeredJobsAndACancelLeaveEveryOtherJobItsOwnTokens() throws Exception {
        List<List<Long>> alone = new ArrayList<>();
        Generator single = new Generator(model, tokenizer);
        for (GenerationRequest request : requests) {
            alone.add(tokens(single.stream(request), Integer.MAX_VALUE, null));
        }

        List<List<Long>> batched = new ArrayList<>();
        double meanBatch;
        try (DecodeBatcher batcher = new DecodeBatcher(model, GATHER_NANOS);
             ExecutorService jobs = Executors.newFixedThreadPool(JOBS)) {
            Generator generator = new Generator(model, tokenizer, batcher);
            List<Future<List<Long>>> running = new ArrayList<>();
            CountDownLatch firstIsDecoding = new CountDownLatch(1);
            // Job 0 starts alone; the others arrive once it is decoding. Job 2 is cancelled after 12 tokens.
            running.add(jobs.submit(() -> tokens(generator.stream(requests.get(0)), Integer.MAX_VALUE, firstIsDecoding)));
            firstIsDecoding.await();
            for (int i = 1; i < JOBS; i++) {
                int job = i;
                running.add(jobs.submit(() -> tokens(generator.stream(requests.get(job)), job == 2 ? 12 : Integer.MAX_VALUE,
                        null)));
            }
            for (Future<List<Long>> job : running) {
                batched.add(job.get());
            }
            meanBatch = batcher.meanBatch();
        }
        for (int i = 0; i < JOBS; i++) {
            if (i == 2) {
                assertThat(batched.get(i)).as("the cancelled job").hasSize(12).isEqualTo(alone.get(i).subList(0, 12));
            } else {
                assertThat(batched.get(i)).as("job " + i).isEqualTo(alone.get(i));
            }
        }
        assertThat(meanBatch).as("sequences per batched step").isGreaterThan(1.5);
    }

    /** Greedy tokens until the stream ends or {@code cancelAfter} tokens, when it is cancelled. */
    private static List<Long> tokens(TokenStream stream, int cancelAfter, CountDownLatch decoding) {
        List<Long> ids = new ArrayList<>();
        try (stream) {
            while (stream.hasNext()) {
                ids.add(stream.next().tokenId());
                if (ids.size() == 2 && decoding != null) {
                    decoding.countDown();
                }
                if (ids.size() == cancelAfter) {
                    stream.cancel();
                }
            }
        }
        return ids;
    }
}
