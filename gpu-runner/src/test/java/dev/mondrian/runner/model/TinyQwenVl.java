package dev.mondrian.runner.model;

import dev.mondrian.progress.ProgressLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A tiny random Qwen2-VL, Qwen2.5-VL or Qwen3-VL written as a Hugging Face folder (F32), with the
 * config.json transformers 4.x writes for it or the transformers 5 one ({@code text_config} and
 * {@code rope_parameters}), and the weights under the original names ({@code model.layers…},
 * {@code visual…}) or the ones transformers 4.52+ saves ({@code model.language_model…},
 * {@code model.visual…}; Qwen3-VL always). {@link #write} returns the stored values under the original
 * names. These folders load in transformers (5.x) itself, whose outputs the reference matches.
 *
 * @param visionHidden the tower's width (Qwen2-VL's embed_dim)
 * @param visionIntermediate the tower's MLP width (Qwen2-VL: embed_dim · mlp_ratio)
 * @param windowSize Qwen2.5-VL: the window side in pixels
 * @param fullAttention Qwen2.5-VL: fullatt_block_indexes
 * @param positionEmbeddings Qwen3-VL: num_position_embeddings (a square)
 * @param deepstack Qwen3-VL: deepstack_visual_indexes
 * @param mropeSection the decoder's mrope_section (sums to head_dim / 2)
 * @param newLayout transformers 5's config and the nested tensor names, rather than 4.x's and the original ones
 * @param imageGrid the test image in merged tokens: {t, h, w}
 */
public record TinyQwenVl(Generation generation, TinyDecoder text, int visionHidden, int visionIntermediate, int depth,
                  int visionHeads, int patchSize, int windowSize, List<Integer> fullAttention, int positionEmbeddings,
                  List<Integer> deepstack, int[] mropeSection, boolean newLayout, int[] imageGrid, long seed) {

    public enum Generation { QWEN2_VL, QWEN2_5_VL, QWEN3_VL }

    static final int MERGE = 2;
    static final int TEMPORAL = 2;

    /** Qwen2-VL: LayerNorm blocks, quick_gelu MLP, tied embeddings; a 2×3 image. */
    public static TinyQwenVl qwen2Vl(boolean newLayout) {
        return new TinyQwenVl(Generation.QWEN2_VL, qwen2VlText(), 32, 64, 3, 4, 14, 0, List.of(), 0, List.of(),
                new int[] {2, 2, 2}, newLayout, new int[] {1, 2, 3}, 41);
    }

    /** Qwen2-VL's decoder: a Qwen2 of head_dim 12 = hidden / heads. */
    static TinyDecoder qwen2VlText() {
        return new TinyDecoder("Qwen2VLForConditionalGeneration", "qwen2_vl", 101, 48, 64, 2, 4, 2, 12, 1e-6, 1000000,
                null, true, true, 11);
    }

    /**
     * Qwen2.5-VL: RMSNorm blocks, gated SiLU MLP with biases, windows of 56 px = 2×2 merged tokens over a
     * 3×5 image (six windows, four of them padded), full attention in block 2 only; untied.
     */
    public static TinyQwenVl qwen25Vl(boolean newLayout) {
        return new TinyQwenVl(Generation.QWEN2_5_VL,
                new TinyDecoder("Qwen2_5_VLForConditionalGeneration", "qwen2_5_vl", 103, 64, 80, 2, 4, 2, 16, 1e-6,
                        1000000, null, false, true, 12),
                32, 48, 4, 4, 14, 56, List.of(2), 0, List.of(), new int[] {4, 2, 2}, newLayout, new int[] {1, 3, 5}, 42);
    }

    /**
     * Qwen3-VL: a Qwen3 decoder (q/k norm, head_dim 16 ≠ 40/4) with interleaved M-RoPE, learned 4×4
     * position embeddings interpolated to a 6×8-patch image, DeepStack from blocks 0 and 2.
     */
    public static TinyQwenVl qwen3Vl(boolean newLayout) {
        return new TinyQwenVl(Generation.QWEN3_VL,
                new TinyDecoder("Qwen3VLForConditionalGeneration", "qwen3_vl_text", 107, 40, 64, 3, 4, 2, 16, 1e-6,
                        5000000, null, true, false, 13),
                32, 48, 4, 4, 16, 0, List.of(), 16, List.of(0, 2), new int[] {4, 2, 2}, newLayout, new int[] {1, 3, 4},
                43);
    }

    /** The same model over another vocabulary, whose last three ids are the vision start, end and image tokens. */
    TinyQwenVl withVocab(int vocabSize) {
        return new TinyQwenVl(generation, text.withVocab(vocabSize), visionHidden, visionIntermediate, depth, visionHeads,
                patchSize, windowSize, fullAttention, positionEmbeddings, deepstack, mropeSection, newLayout, imageGrid,
                seed);
    }

    /** The same weights with Qwen2.5-VL's windows of another side (px) and other full-attention blocks. */
    public TinyQwenVl withWindows(int windowSize, List<Integer> fullAttention) {
        return new TinyQwenVl(generation, text, visionHidden, visionIntermediate, depth, visionHeads, patchSize,
                windowSize, fullAttention, positionEmbeddings, deepstack, mropeSection, newLayout, imageGrid, seed);
    }

    /**
     * Qwen3-VL with DeepStack from other blocks: its mergers are written last, so the blocks and the main
     * merger keep their weights.
     */
    public TinyQwenVl withDeepstack(List<Integer> deepstack) {
        return new TinyQwenVl(generation, text, visionHidden, visionIntermediate, depth, visionHeads, patchSize,
                windowSize, fullAttention, positionEmbeddings, deepstack, mropeSection, newLayout, imageGrid, seed);
    }

    /** Qwen2-VL-2B-Instruct's exact shape, for benchmarks. */
    public static TinyQwenVl qwen2Vl2B() {
        return new TinyQwenVl(Generation.QWEN2_VL, new TinyDecoder("Qwen2VLForConditionalGeneration", "qwen2_vl", 151936,
                1536, 8960, 28, 12, 2, 128, 1e-6, 1000000, null, true, true, 21), 1280, 5120, 32, 16, 14, 0, List.of(),
                0, List.of(), new int[] {16, 24, 24}, false, new int[] {1, 1, 1}, 51);
    }

    /** Qwen3-VL-4B-Instruct's exact shape, for benchmarks. */
    public static TinyQwenVl qwen3Vl4B() {
        return new TinyQwenVl(Generation.QWEN3_VL, new TinyDecoder("Qwen3VLForConditionalGeneration", "qwen3_vl_text",
                151936, 2560, 9728, 36, 32, 8, 128, 1e-6, 5000000, null, true, false, 22), 1024, 4096, 24, 16, 16, 0,
                List.of(), 2304, List.of(5, 11, 17), new int[] {24, 20, 20}, true, new int[] {1, 1, 1}, 52);
    }

    public long imageToken() {
        return text.vocab() - 1;
    }

    public long visionStart() {
        return text.vocab() - 3;
    }

    public long visionEnd() {
        return text.vocab() - 2;
    }

    long videoToken() {
        return text.vocab() - 4;
    }

    boolean interleaved() {
        return generation == Generation.QWEN3_VL;
    }

    /** The image's patches, in the vision tower's grid: {t, h, w}. */
    int[] patchGrid() {
        return new int[] {imageGrid[0], imageGrid[1] * MERGE, imageGrid[2] * MERGE};
    }

    public int imageTokens() {
        return imageGrid[0] * imageGrid[1] * imageGrid[2];
    }

    public int patches() {
        return imageTokens() * MERGE * MERGE;
    }

    /** Values per flattened patch: channels × temporal × patch × patch. */
    int patchValues() {
        return 3 * TEMPORAL * patchSize * patchSize;
    }

    /** The decoder's width, which the mergers project to. */
    public int outHidden() {
        return text.hidden();
    }

    @Override
    public String toString() {
        return generation + (newLayout ? " (transformers 5 layout)" : " (4.x layout)");
    }

    /** Random pixel_values for the test image: [patches, patchValues] flattened, values around [-2, 2]. */
    public float[] pixels(long pixelSeed) {
        SplittableRandom random = new SplittableRandom(pixelSeed);
        float[] pixels = new float[patches() * patchValues()];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) (random.nextDouble() * 4 - 2);
        }
        return pixels;
    }

    PreparedImage image(long pixelSeed) {
        return new PreparedImage(pixels(pixelSeed), imageGrid.clone());
    }

    /** Writes the folder; returns every stored tensor under its original (4.x) name. */
    public Map<String, float[]> write(Path dir) throws IOException {
        return write(dir, Set.of());
    }

    /** @param silent token ids whose output rows are zero, so greedy decoding never ends on them (as TinyLlava's) */
    Map<String, float[]> write(Path dir, Set<Long> silent) throws IOException {
        Map<String, float[]> stored = new LinkedHashMap<>();
        write(dir, silent, SafeTensorsWriter.DType.F32, stored::put);
        return stored;
    }

    /** Writes a checkpoint of a real model's size: each tensor is made, written and dropped (benchmarks). */
    public void writeStreaming(Path dir, SafeTensorsWriter.DType dtype) throws IOException {
        try (ProgressLine progress = ProgressLine.start("writing " + dtype + " weights", parameters(), "M parameters",
                1_000_000)) {
            write(dir, Set.of(), dtype, (name, values) -> progress.add(values.length));
        }
    }

    /** Parameters in the checkpoint. */
    public long parameters() {
        return tensors(Set.of()).values().stream()
                .mapToLong(t -> Arrays.stream(t.shape()).asLongStream().reduce(1, Math::multiplyExact)).sum();
    }

    /** One tensor to write: its shape and how to make its values when the writer comes to it. */
    private record Tensor(int[] shape, Supplier<float[]> values) {}

    private void write(Path dir, Set<Long> silent, SafeTensorsWriter.DType dtype, BiConsumer<String, float[]> keep)
            throws IOException {
        Files.createDirectories(dir);
        SafeTensorsWriter out = new SafeTensorsWriter();
        tensors(silent).forEach((name, tensor) -> out.add(savedName(name), tensor.shape(), () -> {
            float[] values = tensor.values().get();
            for (int i = 0; i < values.length; i++) {
                values[i] = SafeTensorsWriter.stored(values[i], dtype);
            }
            keep.accept(name, values);
            return values;
        }));
        out.write(dir.resolve("model.safetensors"), dtype);
        Files.writeString(dir.resolve("config.json"), configJson());
        Files.writeString(dir.resolve("preprocessor_config.json"), preprocessorJson());
    }

    /**
     * Every tensor under its original name, in writing order. The vision tensors draw from one random
     * stream, so their values are made in this order, lazily, as the writer asks for them.
     */
    private Map<String, Tensor> tensors(Set<Long> silent) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        String output = text.tied() ? "model.embed_tokens.weight" : "lm_head.weight";
        for (String name : text.tensorNames()) {
            tensors.put(name, new Tensor(text.shape(name), () -> {
                float[] values = text.randomTensor(name);
                if (name.equals(output)) {
                    for (long id : silent) {
                        Arrays.fill(values, (int) id * text.hidden(), (int) (id + 1) * text.hidden(), 0f);
                    }
                }
                return values;
            }));
        }
        SplittableRandom random = new SplittableRandom(seed);
        int e = visionHidden;
        int merged = e * MERGE * MERGE;
        String v = "visual.";
        int[] kernel = {e, 3, TEMPORAL, patchSize, patchSize};
        tensors.put(v + "patch_embed.proj.weight", new Tensor(kernel, () -> TinyDecoder.normal(random, e * patchValues(), 0.05)));
        if (generation == Generation.QWEN3_VL) {
            tensors.put(v + "patch_embed.proj.bias", new Tensor(new int[] {e}, () -> TinyDecoder.normal(random, e, 0.1)));
            tensors.put(v + "pos_embed.weight", new Tensor(new int[] {positionEmbeddings, e},
                    () -> TinyDecoder.normal(random, positionEmbeddings * e, 0.3)));
        }
        for (int i = 0; i < depth; i++) {
            String p = v + "blocks." + i + ".";
            norm(tensors, random, p + "norm1.", e);
            linear(tensors, random, p + "attn.qkv.", 3 * e, e);
            linear(tensors, random, p + "attn.proj.", e, e);
            norm(tensors, random, p + "norm2.", e);
            switch (generation) {
                case QWEN2_VL -> {
                    linear(tensors, random, p + "mlp.fc1.", visionIntermediate, e);
                    linear(tensors, random, p + "mlp.fc2.", e, visionIntermediate);
                }
                case QWEN2_5_VL -> {
                    linear(tensors, random, p + "mlp.gate_proj.", visionIntermediate, e);
                    linear(tensors, random, p + "mlp.up_proj.", visionIntermediate, e);
                    linear(tensors, random, p + "mlp.down_proj.", e, visionIntermediate);
                }
                case QWEN3_VL -> {
                    linear(tensors, random, p + "mlp.linear_fc1.", visionIntermediate, e);
                    linear(tensors, random, p + "mlp.linear_fc2.", e, visionIntermediate);
                }
            }
        }
        if (generation == Generation.QWEN3_VL) {
            norm(tensors, random, v + "merger.norm.", e);
            linear(tensors, random, v + "merger.linear_fc1.", merged, merged);
            linear(tensors, random, v + "merger.linear_fc2.", outHidden(), merged);
            for (int k = 0; k < deepstack.size(); k++) {
                String p = v + "deepstack_merger_list." + k + ".";
                norm(tensors, random, p + "norm.", merged);
                linear(tensors, random, p + "linear_fc1.", merged, merged);
                linear(tensors, random, p + "linear_fc2.", outHidden(), merged);
            }
        } else {
            norm(tensors, random, v + "merger.ln_q.", e);
            linear(tensors, random, v + "merger.mlp.0.", merged, merged);
            linear(tensors, random, v + "merger.mlp.2.", outHidden(), merged);
        }
        return tensors;
    }

    /**
     * Qwen2-VL and Qwen2.5-VL were published under the original names; transformers 4.52+ saves the nested
     * ones. Qwen3-VL only ever had the nested names (transformers maps no others for it), so it keeps them
     * in both layouts.
     */
    private String savedName(String name) {
        if (!newLayout && generation != Generation.QWEN3_VL) {
            return name;
        }
        if (name.startsWith("model.")) {
            return "model.language_model." + name.substring("model.".length());
        }
        return name.startsWith("visual.") ? "model." + name : name;
    }

    /** LayerNorm (weight, bias), or Qwen2.5-VL's RMSNorm (weight only). */
    private void norm(Map<String, Tensor> tensors, SplittableRandom random, String prefix, int width) {
        tensors.put(prefix + "weight", new Tensor(new int[] {width}, () -> TinyDecoder.around1(random, width)));
        if (generation != Generation.QWEN2_5_VL) {
            tensors.put(prefix + "bias", new Tensor(new int[] {width}, () -> TinyDecoder.normal(random, width, 0.1)));
        }
    }

    private void linear(Map<String, Tensor> tensors, SplittableRandom random, String prefix, int outDim, int inDim) {
        // Scaled by fan-in so the tower's activations stay of order one through its blocks.
        tensors.put(prefix + "weight", new Tensor(new int[] {outDim, inDim},
                () -> TinyDecoder.normal(random, outDim * inDim, 1.2 / Math.sqrt(inDim))));
        tensors.put(prefix + "bias", new Tensor(new int[] {outDim}, () -> TinyDecoder.normal(random, outDim, 0.1)));
    }

    private static String ints(List<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String ints(int[] values) {
        return ints(Arrays.stream(values).boxed().toList());
    }

    private String architecture() {
        return switch (generation) {
            case QWEN2_VL -> "Qwen2VLForConditionalGeneration";
            case QWEN2_5_VL -> "Qwen2_5_VLForConditionalGeneration";
            case QWEN3_VL -> "Qwen3VLForConditionalGeneration";
        };
    }

    private String modelType() {
        return switch (generation) {
            case QWEN2_VL -> "qwen2_vl";
            case QWEN2_5_VL -> "qwen2_5_vl";
            case QWEN3_VL -> "qwen3_vl";
        };
    }

    /**
     * The decoder's settings, without braces: flat at the top (4.x Qwen2-VL/2.5-VL, whose model_type is
     * the top level's; {@code modelType} null) or inside text_config.
     */
    private String textFields(String modelType, boolean parameters) {
        String rope;
        String interleave = interleaved() ? ", \"mrope_interleaved\": true" : "";
        if (parameters) {
            rope = "\"rope_parameters\": {\"rope_type\": \"default\", \"rope_theta\": %s, \"mrope_section\": %s%s}"
                    .formatted(text.theta(), ints(mropeSection), interleave);
        } else if (generation == Generation.QWEN3_VL) {
            rope = "\"rope_theta\": %s, \"rope_scaling\": {\"rope_type\": \"default\", \"mrope_section\": %s%s}"
                    .formatted(text.theta(), ints(mropeSection), interleave);
        } else {
            rope = "\"rope_theta\": %s, \"rope_scaling\": {\"type\": \"mrope\", \"mrope_section\": %s}"
                    .formatted(text.theta(), ints(mropeSection));
        }
        String headDim = generation == Generation.QWEN3_VL ? "\"head_dim\": " + text.headDim() + ", " : "";
        return """
                %s"vocab_size": %d, "hidden_size": %d, "intermediate_size": %d,
                 "num_hidden_layers": %d, "num_attention_heads": %d, "num_key_value_heads": %d, %s"rms_norm_eps": %s,
                 %s, "tie_word_embeddings": %s, "attention_bias": %s, "max_position_embeddings": 32768,
                 "hidden_act": "silu", "bos_token_id": 1, "eos_token_id": 2, "use_sliding_window": false"""
                .formatted(modelType == null ? "" : "\"model_type\": \"" + modelType + "\", ", text.vocab(), text.hidden(), text.intermediate(), text.layers(), text.heads(),
                        text.kvHeads(), headDim, text.eps(), rope, text.tied(), text.outputBias());
    }

    private String visionJson() {
        return switch (generation) {
            case QWEN2_VL -> """
                    {"model_type": "qwen2_vl", "depth": %d, "embed_dim": %d, "hidden_size": %d, "hidden_act": "quick_gelu",
                     "mlp_ratio": %d, "num_heads": %d, "in_chans": 3, "patch_size": %d, "spatial_merge_size": %d,
                     "temporal_patch_size": %d}"""
                    .formatted(depth, visionHidden, outHidden(), visionIntermediate / visionHidden, visionHeads, patchSize,
                            MERGE, TEMPORAL);
            case QWEN2_5_VL -> """
                    {"model_type": "qwen2_5_vl", "depth": %d, "hidden_size": %d, "intermediate_size": %d,
                     "hidden_act": "silu", "num_heads": %d, "in_chans": 3, "out_hidden_size": %d, "patch_size": %d,
                     "spatial_merge_size": %d, "spatial_patch_size": %d, "temporal_patch_size": %d, "window_size": %d,
                     "fullatt_block_indexes": %s, "tokens_per_second": 2}"""
                    .formatted(depth, visionHidden, visionIntermediate, visionHeads, outHidden(), patchSize, MERGE,
                            patchSize, TEMPORAL, windowSize, ints(fullAttention));
            case QWEN3_VL -> """
                    {"model_type": "qwen3_vl", "depth": %d, "hidden_size": %d, "intermediate_size": %d,
                     "hidden_act": "gelu_pytorch_tanh", "num_heads": %d, "in_channels": 3, "out_hidden_size": %d,
                     "patch_size": %d, "spatial_merge_size": %d, "temporal_patch_size": %d,
                     "num_position_embeddings": %d, "deepstack_visual_indexes": %s, "initializer_range": 0.02}"""
                    .formatted(depth, visionHidden, visionIntermediate, visionHeads, outHidden(), patchSize, MERGE,
                            TEMPORAL, positionEmbeddings, ints(deepstack));
        };
    }

    String configJson() {
        String tokens = """
                "image_token_id": %d, "video_token_id": %d, "vision_start_token_id": %d, "vision_end_token_id": %d"""
                .formatted(imageToken(), videoToken(), visionStart(), visionEnd());
        boolean nested = newLayout || generation == Generation.QWEN3_VL;
        String body;
        if (nested) {
            body = """
                    "text_config": {%s},
                     "tie_word_embeddings": %s,""".formatted(textFields(modelType() + "_text", newLayout), text.tied());
        } else {
            body = textFields(null, false) + ",";
        }
        String dtype = newLayout ? "\"dtype\": \"float32\"" : "\"torch_dtype\": \"float32\"";
        return """
                {"architectures": ["%s"], "model_type": "%s", %s
                 %s,
                 "vision_config": %s,
                 %s}
                """.formatted(architecture(), modelType(), body, tokens, visionJson(), dtype);
    }

    private String preprocessorJson() {
        int pixels = patchSize * MERGE;
        return """
                {"image_processor_type": "%s", "do_resize": true, "do_rescale": true, "rescale_factor": 0.00392156862745098,
                 "do_normalize": true, "image_mean": [0.48145466, 0.4578275, 0.40821073],
                 "image_std": [0.26862954, 0.26130258, 0.27577711], "do_convert_rgb": true,
                 "min_pixels": %d, "max_pixels": %d, "patch_size": %d, "temporal_patch_size": %d, "merge_size": %d}
                """.formatted(generation == Generation.QWEN3_VL ? "Qwen2VLImageProcessorFast" : "Qwen2VLImageProcessor",
                pixels * pixels, pixels * pixels * 64, patchSize, TEMPORAL, MERGE);
    }
}
