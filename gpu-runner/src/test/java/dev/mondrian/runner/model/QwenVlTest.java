package dev.mondrian.runner.model;

import static dev.mondrian.runner.model.Closeness.maxDifference;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Qwen2-VL, Qwen2.5-VL and Qwen3-VL against plain loops written from transformers: the vision tower
 * ({@link ReferenceQwenVision}), the decoder with multimodal RoPE and DeepStack ({@link ReferenceDecoder}),
 * and RoPE positions computed here the way get_rope_index does, not by the engine's {@link PositionIds}.
 */
class QwenVlTest {
    /** Continuation tokens fed one at a time after the prompt, as generation does. */
    private static final long[] CONTINUATION = {5, 9, 13, 2};

    @TempDir
    Path dir;

    static Stream<Arguments> models() {
        return Stream.of(true, false).flatMap(newLayout -> Stream.of(
                Arguments.of(TinyQwenVl.qwen2Vl(newLayout)),
                Arguments.of(TinyQwenVl.qwen25Vl(newLayout)),
                Arguments.of(TinyQwenVl.qwen3Vl(newLayout))));
    }

    static Stream<Arguments> qwen2Vl() {
        return Stream.of(Arguments.of(TinyQwenVl.qwen2Vl(false)), Arguments.of(TinyQwenVl.qwen2Vl(true)));
    }

    // ---------------------------------------------------------------- decoder only (no vision tower needed)

    /**
     * The decoder fed the reference tower's features (and DeepStack levels) at the positions
     * get_rope_index gives, against the reference decoder; then cached decoding of more tokens after
     * the image, whose positions go on from the image's largest + 1.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void decoderWithReferenceFeaturesMatchesTheReference(TinyQwenVl spec) throws Exception {
        ImageReference reference = writeWithImage(spec, 5);
        assertThat(reference.features().embeddings()).hasNumberOfRows(spec.imageTokens());
        assertThat(reference.features().deepstack()).hasSize(spec.deepstack().size());
        long[] prompt = prompt(spec);
        long[][] positions = ropeIndex(prompt, spec, List.of(spec.patchGrid()));
        float[][] expected = reference.logits(prompt);

        onModel(dir, (model, scratch, cache) -> {
            PositionIds engine = model.positions(prompt, reference.image(), 0);
            assertPositions(engine, positions);
            NDArray logits = model.decoder().forward(inputs(scratch, reference.embeddings(prompt)), engine,
                    addends(scratch, reference, prompt), cache, null, true);
            assertThat(maxDifference(logits.toFloatArray(), expected)).as("prefill logits").isLessThan(1e-4);
            int next = next(positions);
            assertThat(cache.position()).as("cache position after the prompt").isEqualTo(next);
            assertThat(cache.length()).isEqualTo(prompt.length);

            // Token by token after the prompt: the engine's own positions, against the reference's
            // logits for the whole sequence so far.
            for (int j = 0; j < CONTINUATION.length; j++) {
                long[] one = {CONTINUATION[j]};
                PositionIds step = model.positions(one, null, cache.position());
                assertThat(new long[] {step.axis(0)[0], step.axis(1)[0], step.axis(2)[0]})
                        .as("position of continuation token " + j).containsOnly(next + j);
                float[] last = model.forward(scratch, one, null, cache, false).toFloatArray();
                float[][] full = reference.logits(extended(prompt, j + 1));
                assertThat(maxDifference(last, lastRow(full))).as("cached decode step " + j).isLessThan(1e-4);
            }
            assertThat(cache.position()).isEqualTo(next + CONTINUATION.length);
        });
    }

    /** Positions as get_rope_index computes them, for a few prompt shapes, against model.positions. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void positionsFollowGetRopeIndex(TinyQwenVl spec) throws Exception {
        spec.write(dir);
        try (Model model = Model.load(dir, "cpu", 64)) {
            long s = spec.visionStart();
            long e = spec.visionEnd();
            for (int[] grid : List.of(spec.imageGrid(), new int[] {1, 1, 1}, new int[] {1, 4, 2}, new int[] {2, 2, 3})) {
                int tokens = grid[0] * grid[1] * grid[2];
                int[] patches = {grid[0], grid[1] * TinyQwenVl.MERGE, grid[2] * TinyQwenVl.MERGE};
                PreparedImage image = new PreparedImage(new float[0], grid);
                for (long[] prompt : List.of(
                        concat(new long[] {s}, image(spec, tokens), new long[] {e, 7, 8}),
                        concat(new long[] {3, 4, 5, 6, s}, image(spec, tokens), new long[] {e}),
                        concat(new long[] {3, s}, image(spec, tokens), new long[] {e, 9, 10, 11, 12, 13}))) {
                    long[][] expected = ropeIndex(prompt, spec, List.of(patches));
                    PositionIds actual = model.positions(prompt, image, 0);
                    assertPositions(actual, expected);
                    assertThat(actual.next()).isEqualTo(next(expected));
                }
            }
            // Text only: plain positions from wherever the cache stands.
            PositionIds text = model.positions(new long[] {3, 4, 5}, null, 7);
            assertPositions(text, new long[][] {{7, 8, 9}, {7, 8, 9}, {7, 8, 9}});
        }
    }

    /** A text-only prompt on a vision folder: multimodal RoPE with equal axes is plain RoPE. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void textOnlyPromptsMatchTheReference(TinyQwenVl spec) throws Exception {
        Map<String, float[]> weights = spec.write(dir);
        long[] ids = {1, 17, 5, 42, 8, 33, 0, 60, 12, 7, 3};
        float[][] expected = reference(spec, weights).logits(toInts(ids));
        onModel(dir, (model, scratch, cache) -> {
            assertThat(maxDifference(model.forward(scratch, ids, null, cache, true).toFloatArray(), expected))
                    .isLessThan(1e-4);
            assertThat(cache.position()).isEqualTo(ids.length);
        });
    }

    /** Qwen2-VL given text only is exactly Qwen2 with the same decoder weights. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("qwen2Vl")
    void qwen2VlOnTextIsQwen2(TinyQwenVl spec) throws Exception {
        spec.write(dir.resolve("vl"));
        TinyDecoder t = spec.text();
        TinyDecoder qwen2 = new TinyDecoder("Qwen2ForCausalLM", "qwen2", t.vocab(), t.hidden(), t.intermediate(),
                t.layers(), t.heads(), t.kvHeads(), t.headDim(), t.eps(), t.theta(), null, t.tied(), t.bias(), t.seed());
        qwen2.write(dir.resolve("qwen2"), SafeTensorsWriter.DType.F32, 1);
        long[] ids = {1, 17, 5, 42, 8, 33, 0, 60, 12, 7, 3, 19, 88};
        assertThat(maxDifference(textLogits(dir.resolve("vl"), ids), textLogits(dir.resolve("qwen2"), ids)))
                .as("largest logit difference, Qwen2-VL vs Qwen2").isLessThan(1e-5);
    }

    /** Qwen3 text-only against the reference (also in TextDecoderTest), with cached decoding. */
    @Test
    void qwen3MatchesTheReference() throws Exception {
        TinyDecoder spec = TinyDecoder.qwen3();
        Map<String, float[]> stored = spec.write(dir, SafeTensorsWriter.DType.F32, 1);
        int[] tokens = {1, 17, 5, 42, 8, 33, 0, 60, 12, 7, 3};
        float[][] expected = new ReferenceDecoder(spec, stored).logits(tokens);
        onModel(dir, (model, scratch, cache) -> {
            long[] prefill = Arrays.stream(tokens, 0, 6).asLongStream().toArray();
            float[] first = model.forward(scratch, prefill, null, cache, true).toFloatArray();
            assertThat(maxDifference(first, Arrays.copyOf(expected, 6))).isLessThan(1e-4);
            for (int t = 6; t < tokens.length; t++) {
                float[] last = model.forward(scratch, new long[] {tokens[t]}, null, cache, false).toFloatArray();
                assertThat(maxDifference(last, expected[t])).isLessThan(1e-4);
            }
        });
    }

    // ---------------------------------------------------------------- the vision tower (engine's encode)

    /** The engine's tower: merged features and DeepStack levels against the reference tower. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void imageFeaturesMatchTheReferenceTower(TinyQwenVl spec) throws Exception {
        ImageReference reference = writeWithImage(spec, 5);
        ReferenceQwenVision.Features expected = reference.features();
        try (Model model = Model.load(dir, "cpu", 64);
             NDManager scratch = model.manager().newSubManager();
             NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            assertThat(model.images()).isPresent();
            ImageFeatures features = model.images().orElseThrow().encode(scratch, reference.image());
            assertThat(features.embeddings().getShape()).isEqualTo(new Shape(spec.imageTokens(), spec.outHidden()));
            assertThat(maxDifference(features.embeddings().toFloatArray(), expected.embeddings()))
                    .as("merged image features").isLessThan(1e-4);
            assertThat(features.deepstack()).hasSize(expected.deepstack().size());
            for (int level = 0; level < expected.deepstack().size(); level++) {
                assertThat(maxDifference(features.deepstack().get(level).toFloatArray(), expected.deepstack().get(level)))
                        .as("DeepStack level " + level).isLessThan(1e-4);
            }
        }
    }

    /**
     * The whole path through model.forward with the image: prefill logits at every position against
     * the reference tower and decoder; then cached decoding equals recomputing the whole sequence.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void imagePromptLogitsAndCachedDecodeMatch(TinyQwenVl spec) throws Exception {
        ImageReference reference = writeWithImage(spec, 6);
        PreparedImage image = reference.image();
        long[] prompt = prompt(spec);
        float[][] expected = reference.logits(prompt);

        onModel(dir, (model, scratch, cache) -> {
            float[] prefill = model.forward(scratch, prompt, image, cache, true).toFloatArray();
            assertThat(maxDifference(prefill, expected)).as("prefill logits").isLessThan(1e-4);
            assertThat(cache.position()).isEqualTo(next(ropeIndex(prompt, spec, List.of(spec.patchGrid()))));

            for (int j = 0; j < CONTINUATION.length; j++) {
                float[] last = model.forward(scratch, new long[] {CONTINUATION[j]}, null, cache, false).toFloatArray();
                long[] sequence = extended(prompt, j + 1);
                float[] recomputed;
                try (KvCache fresh = model.decoder().newCache()) {
                    recomputed = model.forward(scratch, sequence, image, fresh, false).toFloatArray();
                }
                assertThat(maxDifference(last, recomputed)).as("cached vs recomputed, step " + j).isLessThan(5e-5);
                assertThat(maxDifference(last, lastRow(reference.logits(sequence))))
                        .as("vs reference, step " + j).isLessThan(1e-4);
            }
        });
    }

    // ---------------------------------------------------------------- get_rope_index, written from the spec

    /**
     * transformers' get_rope_index for one unpadded sequence of images: find each vision_start whose
     * next token is the image token; the text before an image counts on from the last position + 1 on
     * all three axes; the image's t·h·w tokens (h and w in merged tokens) get text_len + st_idx plus
     * their (t, h, w) index on the three axes; text after the last image goes on from the largest + 1.
     *
     * @param patchGrids image_grid_thw: per image {t, h, w} in patches
     * @return [3][ids.length]
     */
    static long[][] ropeIndex(long[] ids, TinyQwenVl spec, List<int[]> patchGrids) {
        int merge = TinyQwenVl.MERGE;
        List<Integer> tokens = Arrays.stream(ids).mapToObj(id -> (int) id).toList();
        int images = 0;
        for (int i = 0; i + 1 < ids.length; i++) {
            if (ids[i] == spec.visionStart() && ids[i + 1] == spec.imageToken()) {
                images++;
            }
        }
        List<long[][]> pieces = new ArrayList<>();
        int st = 0;
        for (int image = 0; image < images; image++) {
            int ed = tokens.subList(st, tokens.size()).indexOf((int) spec.imageToken()) + st;
            int[] grid = patchGrids.get(image);
            int gt = grid[0];
            int gh = grid[1] / merge;
            int gw = grid[2] / merge;
            int textLen = ed - st;
            long stIdx = pieces.isEmpty() ? 0 : max(pieces.get(pieces.size() - 1)) + 1;
            pieces.add(textRange(textLen, stIdx));
            long[][] vision = new long[3][gt * gh * gw];
            int k = 0;
            for (int t = 0; t < gt; t++) {
                for (int y = 0; y < gh; y++) {
                    for (int x = 0; x < gw; x++) {
                        vision[0][k] = t + textLen + stIdx;
                        vision[1][k] = y + textLen + stIdx;
                        vision[2][k] = x + textLen + stIdx;
                        k++;
                    }
                }
            }
            pieces.add(vision);
            st = ed + gt * gh * gw;
        }
        if (st < ids.length) {
            long stIdx = pieces.isEmpty() ? 0 : max(pieces.get(pieces.size() - 1)) + 1;
            pieces.add(textRange(ids.length - st, stIdx));
        }
        long[][] positions = new long[3][ids.length];
        int at = 0;
        for (long[][] piece : pieces) {
            for (int axis = 0; axis < 3; axis++) {
                System.arraycopy(piece[axis], 0, positions[axis], at, piece[axis].length);
            }
            at += piece[0].length;
        }
        assertThat(at).isEqualTo(ids.length);
        return positions;
    }

    /** The position of the token after {@code positions}: max + 1, as rope_deltas makes it in decoding. */
    static int next(long[][] positions) {
        return (int) max(positions) + 1;
    }

    private static long[][] textRange(int length, long start) {
        long[][] range = new long[3][length];
        for (int axis = 0; axis < 3; axis++) {
            for (int i = 0; i < length; i++) {
                range[axis][i] = start + i;
            }
        }
        return range;
    }

    private static long max(long[][] positions) {
        long max = Long.MIN_VALUE;
        for (long[] axis : positions) {
            for (long p : axis) {
                max = Math.max(max, p);
            }
        }
        return max;
    }

    // ---------------------------------------------------------------- helpers

    /** Text, vision_start, the image's tokens, vision_end, text: as Qwen's chat template lays an image out. */
    private static long[] prompt(TinyQwenVl spec) {
        return concat(new long[] {1, 8, 15}, new long[] {spec.visionStart()}, image(spec, spec.imageTokens()),
                new long[] {spec.visionEnd(), 22, 29, 36});
    }

    private static long[] image(TinyQwenVl spec, int tokens) {
        long[] run = new long[tokens];
        Arrays.fill(run, spec.imageToken());
        return run;
    }

    private static long[] extended(long[] prompt, int continuation) {
        return concat(prompt, Arrays.copyOf(CONTINUATION, continuation));
    }

    private static long[] concat(long[]... parts) {
        return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
    }

    private static int[] toInts(long[] ids) {
        return Arrays.stream(ids).mapToInt(id -> (int) id).toArray();
    }

    private static ReferenceDecoder reference(TinyQwenVl spec, Map<String, float[]> weights) {
        return new ReferenceDecoder(spec.text(), weights, spec.mropeSection(), spec.interleaved());
    }

    /** Writes the spec's folder in {@link #dir}; the reference's side of its test image. */
    private ImageReference writeWithImage(TinyQwenVl spec, long pixelSeed) throws IOException {
        Map<String, float[]> weights = spec.write(dir);
        PreparedImage image = spec.image(pixelSeed);
        return new ImageReference(spec, image, new ReferenceQwenVision(spec, weights).features(image.pixels()),
                reference(spec, weights));
    }

    /** The plain loops' side of a prompt holding one image: the reference tower's features and decoder. */
    private record ImageReference(TinyQwenVl spec, PreparedImage image, ReferenceQwenVision.Features features,
                                  ReferenceDecoder decoder) {
        /** Logits for ids holding the image's tokens, at the positions get_rope_index gives them. */
        float[][] logits(long[] ids) {
            return decoder.logits(embeddings(ids), ropeIndex(ids, spec, List.of(spec.patchGrid())), deepstackRows(ids));
        }

        /** Token embeddings with the image features, in order, in place of the image tokens. */
        double[][] embeddings(long[] ids) {
            double[][] h = new double[ids.length][];
            int used = 0;
            for (int t = 0; t < ids.length; t++) {
                h[t] = ids[t] == spec.imageToken() ? features.embeddings()[used++].clone()
                        : decoder.embedding((int) ids[t]);
            }
            assertThat(used).isEqualTo(features.embeddings().length);
            return h;
        }

        /** Each DeepStack level as [seq][hidden] rows: the level's features at the image tokens, null elsewhere. */
        List<double[][]> deepstackRows(long[] ids) {
            List<double[][]> levels = new ArrayList<>();
            for (double[][] level : features.deepstack()) {
                double[][] rows = new double[ids.length][];
                int used = 0;
                for (int t = 0; t < ids.length; t++) {
                    if (ids[t] == spec.imageToken()) {
                        rows[t] = level[used++];
                    }
                }
                levels.add(rows);
            }
            return levels;
        }
    }

    private static float[] lastRow(float[][] logits) {
        return logits[logits.length - 1];
    }

    /** The DeepStack levels as the decoder adds them: zero rows away from the image. */
    private static List<NDArray> addends(NDManager scope, ImageReference reference, long[] ids) {
        List<NDArray> addends = new ArrayList<>();
        int hidden = reference.spec().text().hidden();
        for (double[][] rows : reference.deepstackRows(ids)) {
            double[][] dense = new double[ids.length][];
            for (int t = 0; t < ids.length; t++) {
                dense[t] = rows[t] == null ? new double[hidden] : rows[t];
            }
            addends.add(inputs(scope, dense));
        }
        return addends;
    }

    private static NDArray inputs(NDManager scope, double[][] rows) {
        int width = rows[0].length;
        float[] flat = new float[rows.length * width];
        for (int t = 0; t < rows.length; t++) {
            for (int j = 0; j < width; j++) {
                flat[t * width + j] = (float) rows[t][j];
            }
        }
        return scope.create(flat, new Shape(rows.length, width));
    }

    private static float[] textLogits(Path folder, long[] ids) throws Exception {
        try (Model model = Model.load(folder, "cpu", 64);
             NDManager scratch = model.manager().newSubManager();
             KvCache cache = model.decoder().newCache();
             NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return model.forward(scratch, ids, null, cache, true).toFloatArray();
        }
    }

    private static void assertPositions(PositionIds actual, long[][] expected) {
        assertThat(actual.length()).isEqualTo(expected[0].length);
        for (int axis = 0; axis < 3; axis++) {
            assertThat(actual.axis(axis)).as("positions on axis " + axis).containsExactly(expected[axis]);
        }
    }

    /** A check on a loaded folder, given a scratch manager and an empty cache. */
    @FunctionalInterface
    private interface ModelCheck {
        void run(Model model, NDManager scratch, KvCache cache) throws Exception;
    }

    /** Loads the folder and runs the check, in a scope that frees every array the check makes. */
    private static void onModel(Path folder, ModelCheck check) throws Exception {
        try (Model model = Model.load(folder, "cpu", 64);
             NDManager scratch = model.manager().newSubManager();
             KvCache cache = model.decoder().newCache();
             NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            check.run(model, scratch, cache);
        }
    }
}
