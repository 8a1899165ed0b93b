package dev.mondrian.runner.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.mondrian.runner.model.KvCache;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.PreparedImage;
import dev.mondrian.runner.sampling.Sampler;
import dev.mondrian.runner.tokenizer.IncrementalDecoder;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Streaming generation, one {@link GenerationStep} per token: the prompt is prefilled on the
 * first {@link #next()}, then each call decodes one token over the KV cache, alone or, with a
 * {@link DecodeBatcher}, in one forward pass with every other stream's step. Stopping early is
 * simply not calling {@code next()} again, so cancellation takes effect between any two tokens.
 */
public final class TokenStream implements Iterator<GenerationStep>, AutoCloseable {
    private static final int MEMORY_EVERY = 32;

    private final Model model;
    private final GenerationRequest request;
    private final KvCache cache;
    private final Sampler sampler;
    private final IncrementalDecoder detokenizer;
    private final StopStrings stops;
    private final NDManager scratch;
    /** Null: each step is this stream's own forward pass. */
    private final DecodeBatcher batcher;
    private boolean batched;
    private final StringBuilder text = new StringBuilder();

    /** Reused for every step: one vocabulary-sized copy out of the engine per token, no allocation. */
    private final float[] logits;
    private boolean prefilled;
    private FinishReason finish;
    private int generated;
    private long prefillNanos;
    private long decodeStart;
    private long peakMemory;

    TokenStream(Model model, GenerationRequest request, IncrementalDecoder detokenizer, DecodeBatcher batcher) {
        this.model = model;
        this.batcher = batcher;
        this.request = request;
        this.detokenizer = detokenizer;
        this.cache = model.decoder().newCache();
        this.sampler = new Sampler(request.sampling(), model.config().text().vocabSize());
        this.stops = new StopStrings(request.stopStrings());
        this.scratch = model.manager().newSubManager();
        this.logits = new float[model.config().text().vocabSize()];
        for (long id : request.promptIds()) {
            sampler.observe(id);
        }
    }

    @Override
    public boolean hasNext() {
        return finish == null;
    }

    @Override
    public GenerationStep next() {
        if (finish != null) {
            throw new NoSuchElementException("generation finished: " + finish);
        }
        if (!prefilled) {
            prefill();
        }
        int token = sampler.sample(logits);
        sampler.observe(token);
        generated++;
        String delta;
        if (request.eosIds().contains((long) token)) {
            finish = FinishReason.EOS;
            delta = stops.accept(detokenizer.flush()) + stops.flush();
        } else {
            delta = stops.accept(detokenizer.push(token));
            if (stops.stopped()) {
                finish = FinishReason.STOP;
            } else if (generated >= request.maxTokens() || cache.length() >= cache.capacity()) {
                finish = FinishReason.LENGTH;
                delta += stops.accept(detokenizer.flush()) + stops.flush();
            } else {
                decode(token);
            }
        }
        text.append(delta);
        if (finish != null) {
            leaveBatch();
        }
        if (finish != null || generated % MEMORY_EVERY == 1) {
            peakMemory = ProcessMemory.peakBytes();
        }
        return step(delta, token);
    }

    /** Stops generating; the next {@link #hasNext()} is false. */
    public void cancel() {
        if (finish == null) {
            finish = FinishReason.CANCELLED;
        }
        leaveBatch();
    }

    /** Null while generating. */
    public FinishReason finishReason() {
        return finish;
    }

    /** All text shown so far. */
    public String text() {
        return text.toString();
    }

    private void prefill() {
        long start = System.nanoTime();
        forward(request.promptIds(), request.image());
        prefilled = true;
        if (batcher != null) {
            batcher.join();
            batched = true;
        }
        prefillNanos = System.nanoTime() - start;
        decodeStart = System.nanoTime();
    }

    /** The batch stops waiting for this stream; once only, whichever of finish, cancel and close comes first. */
    private void leaveBatch() {
        if (batched) {
            batched = false;
            batcher.leave();
        }
    }

    private void decode(long token) {
        if (batched) {
            System.arraycopy(batcher.step(cache, request.adapter(), token), 0, logits, 0, logits.length);
        } else {
            forward(new long[] {token}, null);
        }
    }

    /** Every array made here dies with the scope; only the logits leave, copied into {@link #logits}. */
    private void forward(long[] ids, PreparedImage image) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            // tryDirect: on the CPU the buffer is a view of the tensor's memory, so nothing is allocated.
            model.forward(scratch, ids, image, cache, request.adapter(), false).toByteBuffer(true).asFloatBuffer().get(logits);
        }
    }

    private GenerationStep step(String delta, long token) {
        int prompt = request.promptIds().length;
        double promptTps = prefillNanos == 0 ? 0 : prompt / (prefillNanos / 1e9);
        // The first token comes from the prefill's logits, so decode speed counts the tokens after it.
        double elapsed = (System.nanoTime() - decodeStart) / 1e9;
        double genTps = generated <= 1 || elapsed <= 0 ? 0 : (generated - 1) / elapsed;
        return new GenerationStep(delta, token, prompt, generated, promptTps, genTps, peakMemory);
    }

    @Override
    public void close() {
        leaveBatch();
        cache.close();
        scratch.close();
    }
}
