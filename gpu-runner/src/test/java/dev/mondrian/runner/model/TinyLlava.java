package dev.mondrian.runner.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A tiny random LLaVA model (a CLIP or SigLIP vision tower, the two-layer projector, a
 * {@link TinyDecoder}) written as a Hugging Face folder, under the tensor names real checkpoints
 * use: llava-hf's {@code language_model.model.*} layout, or the {@code model.language_model.*}
 * one newer transformers saves. {@link #write} returns the stored values under canonical names.
 */
record TinyLlava(TinyDecoder text, String visionType, int hidden, int intermediate, int layers, int heads,
                 int imageSize, int patchSize, double eps, String act, int featureLayer, String strategy,
                 long imageToken, boolean newLayout, long seed) {

    /** llava-1.5's shape in miniature: CLIP with quick_gelu, layer -2, the class token dropped. */
    static TinyLlava clip() {
        return new TinyLlava(TinyDecoder.llama(), "clip_vision_model", 16, 32, 3, 2, 12, 4, 1e-5, "quick_gelu", -2,
                "default", 96, false, 21);
    }

    /** A SigLIP tower (no class token, no pre-norm, biased patch conv, tanh GELU) keeping every patch. */
    static TinyLlava siglip() {
        return new TinyLlava(TinyDecoder.qwen2(), "siglip_vision_model", 24, 40, 2, 3, 16, 4, 1e-6,
                "gelu_pytorch_tanh", -1, "full", 88, true, 22);
    }

    boolean clipTower() {
        return visionType.equals("clip_vision_model");
    }

    int patches() {
        return (imageSize / patchSize) * (imageSize / patchSize);
    }

    int imageTokens() {
        int tokens = clipTower() ? patches() + 1 : patches();
        return strategy.equals("default") ? tokens - 1 : tokens;
    }

    Map<String, float[]> write(Path dir) throws IOException {
        return write(dir, Set.of());
    }

    /** @param silent token ids whose output rows are zero: logit 0 against random rivals, so greedy never picks them */
    Map<String, float[]> write(Path dir, Set<Long> silent) throws IOException {
        Files.createDirectories(dir);
        Map<String, float[]> weights = new LinkedHashMap<>(text.weights());
        float[] output = weights.get(text.tied() ? "model.embed_tokens.weight" : "lm_head.weight");
        for (long id : silent) {
            Arrays.fill(output, (int) id * text.hidden(), (int) (id + 1) * text.hidden(), 0f);
        }
        SafeTensorsWriter out = new SafeTensorsWriter();
        for (Map.Entry<String, float[]> e : weights.entrySet()) {
            out.add(savedName(e.getKey()), text.shape(e.getKey()), e.getValue());
        }
        SplittableRandom random = new SplittableRandom(seed);
        int textHidden = text.hidden();
        String v = "vision_tower.vision_model.";
        put(weights, out, v + "embeddings.patch_embedding.weight", new int[] {hidden, 3, patchSize, patchSize},
                TinyDecoder.normal(random, hidden * 3 * patchSize * patchSize, 0.3));
        if (!clipTower()) {
            put(weights, out, v + "embeddings.patch_embedding.bias", new int[] {hidden}, TinyDecoder.normal(random, hidden, 0.1));
        }
        int positions = clipTower() ? patches() + 1 : patches();
        put(weights, out, v + "embeddings.position_embedding.weight", new int[] {positions, hidden},
                TinyDecoder.normal(random, positions * hidden, 0.3));
        if (clipTower()) {
            put(weights, out, v + "embeddings.class_embedding", new int[] {hidden}, TinyDecoder.normal(random, hidden, 0.3));
            norm(weights, out, random, v + "pre_layrnorm.");
        }
        for (int i = 0; i < layers; i++) {
            String p = v + "encoder.layers." + i + ".";
            norm(weights, out, random, p + "layer_norm1.");
            for (String proj : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
                linear(weights, out, random, p + "self_attn." + proj + ".", hidden, hidden);
            }
            norm(weights, out, random, p + "layer_norm2.");
            linear(weights, out, random, p + "mlp.fc1.", intermediate, hidden);
            linear(weights, out, random, p + "mlp.fc2.", hidden, intermediate);
        }
        // Real checkpoints carry it; LLaVA never applies it, and neither may the engine.
        norm(weights, out, random, v + "post_layernorm.");
        linear(weights, out, random, "multi_modal_projector.linear_1.", textHidden, hidden);
        linear(weights, out, random, "multi_modal_projector.linear_2.", textHidden, textHidden);
        out.write(dir.resolve("model.safetensors"), SafeTensorsWriter.DType.F32);
        Files.writeString(dir.resolve("config.json"), configJson());
        return weights;
    }

    private String savedName(String canonical) {
        if (canonical.startsWith("model.")) {
            return (newLayout ? "model.language_model." : "language_model.model.") + canonical.substring("model.".length());
        }
        if (canonical.startsWith("lm_head.")) {
            return newLayout ? canonical : "language_model." + canonical;
        }
        return newLayout ? "model." + canonical : canonical;
    }

    private void put(Map<String, float[]> weights, SafeTensorsWriter out, String name, int[] shape, float[] values) {
        weights.put(name, values);
        out.add(savedName(name), shape, values);
    }

    private void norm(Map<String, float[]> weights, SafeTensorsWriter out, SplittableRandom random, String prefix) {
        put(weights, out, prefix + "weight", new int[] {hidden}, TinyDecoder.around1(random, hidden));
        put(weights, out, prefix + "bias", new int[] {hidden}, TinyDecoder.normal(random, hidden, 0.1));
    }

    private void linear(Map<String, float[]> weights, SafeTensorsWriter out, SplittableRandom random, String prefix,
                        int outDim, int inDim) {
        put(weights, out, prefix + "weight", new int[] {outDim, inDim}, TinyDecoder.normal(random, outDim * inDim, 0.3));
        put(weights, out, prefix + "bias", new int[] {outDim}, TinyDecoder.normal(random, outDim, 0.1));
    }

    private String configJson() {
        return """
                {"architectures": ["LlavaForConditionalGeneration"], "model_type": "llava",
                 "image_token_index": %d, "vision_feature_layer": %d, "vision_feature_select_strategy": "%s",
                 "projector_hidden_act": "gelu", "tie_word_embeddings": %s,
                 "text_config": %s,
                 "vision_config": {"model_type": "%s", "hidden_size": %d, "intermediate_size": %d,
                  "num_hidden_layers": %d, "num_attention_heads": %d, "image_size": %d, "patch_size": %d,
                  "layer_norm_eps": %s, "hidden_act": "%s", "vision_use_head": false}}
                """.formatted(imageToken, featureLayer, strategy, text.tied(), text.configJson(SafeTensorsWriter.DType.F32),
                visionType, hidden, intermediate, layers, heads, imageSize, patchSize, eps, act);
    }
}
