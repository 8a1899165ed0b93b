package dev.mondrian.trainer;

import dev.mondrian.runner.model.SafeTensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The shape of Mondrian's own model, in the layout any LLaVA checkpoint has, so the engine that
 * serves bigger models loads it unchanged: a SigLIP-style vision tower (no class token, every
 * patch kept, tanh GELU), LLaVA's two-layer projector, a Qwen2-style decoder with tied embeddings.
 * Writes the folder's config files and seeded random starting weights.
 */
public record ModelRecipe(int imageSize, int patchSize, int visionHidden, int visionLayers, int visionHeads,
                          int visionIntermediate, int hidden, int layers, int heads, int kvHeads, int intermediate,
                          int maxPositions) {
    /** The shipped model: about 5 M parameters, 20 MB in F32. */
    public static final ModelRecipe DEFAULT = new ModelRecipe(96, 16, 192, 4, 4, 384, 256, 4, 4, 2, 704, 2048);
    static final double RMS_EPS = 1e-6;
    static final double LAYER_NORM_EPS = 1e-6;
    static final double ROPE_THETA = 10_000;
    /** GPT-2's initial scale: small enough that the untrained model predicts nearly uniformly. */
    private static final double INIT = 0.02;
    /**
     * The high-pass patch filters' weight scale: large, because grain and fine edges are a few hundredths of the
     * pixel range, and a GELU only tells their presence from their sign once they reach order one.
     */
    private static final double HIGH_PASS_GAIN = 0.5;
    /** Position frequencies run from a radian per patch down to a hundredth of one. */
    private static final double POSITION_BASE = 100;

    public int imageTokens() {
        return (imageSize / patchSize) * (imageSize / patchSize);
    }

    /** Writes config.json, preprocessor_config.json and model.safetensors (F32) for a tokenizer of {@code vocab} ids. */
    public void writeInitial(Path dir, int vocab, long imageToken, long seed) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), configJson(vocab, imageToken));
        Files.writeString(dir.resolve("preprocessor_config.json"), preprocessorJson());
        SafeTensorsWriter out = new SafeTensorsWriter();
        SplittableRandom random = new SplittableRandom(seed);
        for (Map.Entry<String, int[]> tensor : shapes(vocab).entrySet()) {
            // One stream per tensor, split in a fixed order: the same seed gives the same weights.
            out.add(tensor.getKey(), tensor.getValue(), initial(tensor.getKey(), tensor.getValue(), random.split()));
        }
        out.write(dir.resolve("model.safetensors"), SafeTensorsWriter.DType.F32);
    }

    /** Every tensor by its saved name (transformers' newer LLaVA layout) and shape. */
    Map<String, int[]> shapes(int vocab) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        String v = "model.vision_tower.vision_model.";
        shapes.put(v + "embeddings.patch_embedding.weight", new int[] {visionHidden, 3, patchSize, patchSize});
        shapes.put(v + "embeddings.patch_embedding.bias", new int[] {visionHidden});
        shapes.put(v + "embeddings.position_embedding.weight", new int[] {imageTokens(), visionHidden});
        for (int i = 0; i < visionLayers; i++) {
            String p = v + "encoder.layers." + i + ".";
            for (String norm : new String[] {"layer_norm1.", "layer_norm2."}) {
                shapes.put(p + norm + "weight", new int[] {visionHidden});
                shapes.put(p + norm + "bias", new int[] {visionHidden});
            }
            for (String proj : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
                shapes.put(p + "self_attn." + proj + ".weight", new int[] {visionHidden, visionHidden});
                shapes.put(p + "self_attn." + proj + ".bias", new int[] {visionHidden});
            }
            shapes.put(p + "mlp.fc1.weight", new int[] {visionIntermediate, visionHidden});
            shapes.put(p + "mlp.fc1.bias", new int[] {visionIntermediate});
            shapes.put(p + "mlp.fc2.weight", new int[] {visionHidden, visionIntermediate});
            shapes.put(p + "mlp.fc2.bias", new int[] {visionHidden});
        }
        shapes.put("model.multi_modal_projector.linear_1.weight", new int[] {hidden, visionHidden});
        shapes.put("model.multi_modal_projector.linear_1.bias", new int[] {hidden});
        shapes.put("model.multi_modal_projector.linear_2.weight", new int[] {hidden, hidden});
        shapes.put("model.multi_modal_projector.linear_2.bias", new int[] {hidden});
        String t = "model.language_model.";
        int headDim = hidden / heads;
        shapes.put(t + "embed_tokens.weight", new int[] {vocab, hidden});
        for (int i = 0; i < layers; i++) {
            String p = t + "layers." + i + ".";
            shapes.put(p + "input_layernorm.weight", new int[] {hidden});
            shapes.put(p + "self_attn.q_proj.weight", new int[] {heads * headDim, hidden});
            shapes.put(p + "self_attn.q_proj.bias", new int[] {heads * headDim});
            shapes.put(p + "self_attn.k_proj.weight", new int[] {kvHeads * headDim, hidden});
            shapes.put(p + "self_attn.k_proj.bias", new int[] {kvHeads * headDim});
            shapes.put(p + "self_attn.v_proj.weight", new int[] {kvHeads * headDim, hidden});
            shapes.put(p + "self_attn.v_proj.bias", new int[] {kvHeads * headDim});
            shapes.put(p + "self_attn.o_proj.weight", new int[] {hidden, heads * headDim});
            shapes.put(p + "post_attention_layernorm.weight", new int[] {hidden});
            shapes.put(p + "mlp.gate_proj.weight", new int[] {intermediate, hidden});
            shapes.put(p + "mlp.up_proj.weight", new int[] {intermediate, hidden});
            shapes.put(p + "mlp.down_proj.weight", new int[] {hidden, intermediate});
        }
        shapes.put(t + "norm.weight", new int[] {hidden});
        return shapes;
    }

    private float[] initial(String name, int[] shape, SplittableRandom random) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] values = new float[n];
        boolean norm = name.contains("norm");
        if (name.endsWith("patch_embedding.weight")) {
            patchFilters(values, random);
        } else if (name.endsWith("position_embedding.weight")) {
            positions(values);
        } else if (norm && name.endsWith(".weight")) {
            java.util.Arrays.fill(values, 1f);
        } else if (!name.endsWith(".bias")) {
            // Projections that write into the residual stream start smaller, so depth does not inflate it.
            boolean residual = name.contains("o_proj") || name.contains("down_proj") || name.contains("out_proj")
                    || name.contains("fc2");
            int depth = name.contains("vision_tower") ? visionLayers : layers;
            // The vision side is narrow and must learn nonlinear measures (detail, edges): LeCun's 1/sqrt(fan-in)
            // keeps its GELUs out of their linear middle. The decoder keeps GPT-2's scale.
            boolean seeing = name.contains("vision_tower") || name.contains("multi_modal_projector");
            double base = seeing ? 1 / Math.sqrt(n / shape[0]) : INIT;
            double scale = residual ? base / Math.sqrt(2.0 * depth) : base;
            for (int i = 0; i < n; i++) {
                values[i] = (float) (random.nextGaussian() * scale);
            }
        }
        return values;
    }

    /**
     * Random patch filters, a third of them high-pass: the Laplacian of a random kernel, alike on the three
     * colour channels. They answer to fine detail and grain rather than to colour, so the tower sees sharpness
     * from the start; from plain random filters it has to discover that detail matters, and learns it slowly.
     * The other two thirds are random at GPT-2's small scale, not the fan-in scale of the rest of the tower: the
     * shipped weights started so, and the fan-in scale was not tried for them.
     */
    private void patchFilters(float[] values, SplittableRandom random) {
        int area = patchSize * patchSize;
        for (int out = 0; out < visionHidden; out++) {
            int base = out * 3 * area;
            if (out % 3 != 0) {
                for (int i = 0; i < 3 * area; i++) {
                    values[base + i] = (float) (random.nextGaussian() * INIT);
                }
                continue;
            }
            double[] g = new double[area];
            for (int i = 0; i < area; i++) {
                g[i] = random.nextGaussian();
            }
            double[] laplacian = new double[area];
            double mean = 0;
            for (int y = 0; y < patchSize; y++) {
                for (int x = 0; x < patchSize; x++) {
                    laplacian[y * patchSize + x] = 4 * g[y * patchSize + x] - at(g, x - 1, y) - at(g, x + 1, y)
                            - at(g, x, y - 1) - at(g, x, y + 1);
                    mean += laplacian[y * patchSize + x] / area;
                }
            }
            for (int i = 0; i < area; i++) {
                for (int c = 0; c < 3; c++) {
                    values[base + c * area + i] = (float) ((laplacian[i] - mean) * HIGH_PASS_GAIN / Math.sqrt(20));
                }
            }
        }
    }

    /**
     * Two-dimensional sine-cosine positions (as in MAE) to start from: half the channels encode the column,
     * half the row, at geometrically spaced frequencies. Random positions as small as the other weights leave
     * the tower nearly blind to where things are, and placement and horizon tilt are all about where.
     */
    private void positions(float[] values) {
        int grid = imageSize / patchSize;
        int quarter = visionHidden / 4;
        for (int row = 0; row < grid; row++) {
            for (int column = 0; column < grid; column++) {
                int base = (row * grid + column) * visionHidden;
                for (int k = 0; k < quarter; k++) {
                    double frequency = Math.pow(POSITION_BASE, -(double) k / quarter);
                    values[base + k] = (float) Math.sin(column * frequency);
                    values[base + quarter + k] = (float) Math.cos(column * frequency);
                    values[base + 2 * quarter + k] = (float) Math.sin(row * frequency);
                    values[base + 3 * quarter + k] = (float) Math.cos(row * frequency);
                }
            }
        }
    }

    private double at(double[] kernel, int x, int y) {
        return x < 0 || y < 0 || x >= patchSize || y >= patchSize ? 0 : kernel[y * patchSize + x];
    }

    String configJson(int vocab, long imageToken) {
        return """
                {"architectures": ["LlavaForConditionalGeneration"], "model_type": "llava",
                 "image_token_index": %d, "vision_feature_layer": -1, "vision_feature_select_strategy": "full",
                 "projector_hidden_act": "gelu", "tie_word_embeddings": true,
                 "text_config": {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "vocab_size": %d,
                  "hidden_size": %d, "intermediate_size": %d, "num_hidden_layers": %d, "num_attention_heads": %d,
                  "num_key_value_heads": %d, "rms_norm_eps": %s, "rope_theta": %s, "max_position_embeddings": %d,
                  "hidden_act": "silu", "tie_word_embeddings": true, "torch_dtype": "float32"},
                 "vision_config": {"model_type": "siglip_vision_model", "hidden_size": %d, "intermediate_size": %d,
                  "num_hidden_layers": %d, "num_attention_heads": %d, "image_size": %d, "patch_size": %d,
                  "layer_norm_eps": %s, "hidden_act": "gelu_pytorch_tanh", "vision_use_head": false}}
                """.formatted(imageToken, vocab, hidden, intermediate, layers, heads, kvHeads, RMS_EPS, ROPE_THETA,
                maxPositions, visionHidden, visionIntermediate, visionLayers, visionHeads, imageSize, patchSize,
                LAYER_NORM_EPS);
    }

    /** A plain square resize to the tower's input, with SigLIP's 0.5/0.5 normalisation. */
    String preprocessorJson() {
        return """
                {"image_processor_type": "SiglipImageProcessor", "do_resize": true,
                 "size": {"height": %d, "width": %d}, "resample": 3, "do_rescale": true,
                 "rescale_factor": 0.00392156862745098, "do_normalize": true,
                 "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}
                """.formatted(imageSize, imageSize);
    }
}
