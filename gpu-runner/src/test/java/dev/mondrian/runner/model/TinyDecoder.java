package dev.mondrian.runner.model;

import dev.mondrian.progress.ProgressLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * A tiny random decoder of one Llama-family architecture, written as a Hugging Face folder by
 * the test itself. {@link #weights()} holds the values exactly as stored, for the reference.
 */
public record TinyDecoder(String architecture, String modelType, int vocab, int hidden, int intermediate, int layers,
                   int heads, int kvHeads, int headDim, double eps, double theta, String ropeScalingJson,
                   boolean tied, boolean bias, long seed) {

    /** A small Qwen2-shaped model over the tiny byte tokenizer's vocabulary. */
    public static TinyDecoder chat(int vocab) {
        return new TinyDecoder("Qwen2ForCausalLM", "qwen2", vocab, 32, 48, 2, 4, 2, 8, 1e-6, 10000, null, true, true, 7);
    }

    static TinyDecoder llama() {
        return new TinyDecoder("LlamaForCausalLM", "llama", 97, 32, 48, 2, 4, 2, 8, 1e-5, 10000, null, false, false, 1);
    }

    static TinyDecoder qwen2() {
        return new TinyDecoder("Qwen2ForCausalLM", "qwen2", 89, 48, 64, 2, 6, 2, 8, 1e-6, 1000000, null, true, true, 2);
    }

    static TinyDecoder mistral() {
        return new TinyDecoder("MistralForCausalLM", "mistral", 101, 40, 56, 3, 4, 1, 12, 1e-5, 10000, null, false, false, 3);
    }

    /** SmolLM is a Llama with tied embeddings; here with Llama 3 rope scaling too. */
    static TinyDecoder smolLlama3() {
        return new TinyDecoder("LlamaForCausalLM", "llama", 83, 32, 40, 2, 4, 4, 8, 1e-5, 500000,
                "{\"rope_type\":\"llama3\",\"factor\":8.0,\"low_freq_factor\":1.0,\"high_freq_factor\":4.0,"
                        + "\"original_max_position_embeddings\":16}", true, false, 4);
    }

    /**
     * Qwen3: no biases, RMSNorm over each head of q and k before the rotation, and an explicit
     * head_dim (16) unlike hidden/heads (8), as Qwen3's configs have.
     */
    static TinyDecoder qwen3() {
        return new TinyDecoder("Qwen3ForCausalLM", "qwen3", 93, 32, 48, 2, 4, 2, 16, 1e-6, 1000000, null, true, false, 6);
    }

    /** Qwen3's per-head q/k RMSNorm (Qwen3, Qwen3-VL's decoder). */
    boolean qkNorm() {
        return modelType.startsWith("qwen3");
    }

    /** Qwen2 and its vision variants bias q, k and v but never o; Llama's attention_bias covers o too. */
    boolean outputBias() {
        return bias && !modelType.startsWith("qwen2");
    }

    /** Llama with attention_bias: biases on q, k, v and o, as transformers' LlamaAttention has. */
    static TinyDecoder linearRope() {
        return new TinyDecoder("LlamaForCausalLM", "llama", 61, 32, 40, 1, 4, 2, 8, 1e-5, 10000,
                "{\"type\":\"linear\",\"factor\":2.0}", false, true, 5);
    }

    /** The same decoder over another vocabulary (a tokenizer's). */
    TinyDecoder withVocab(int vocabSize) {
        return new TinyDecoder(architecture, modelType, vocabSize, hidden, intermediate, layers, heads, kvHeads, headDim,
                eps, theta, ropeScalingJson, tied, bias, seed);
    }

    /** The checkpoint's tensor names, in the order they are generated and written. */
    List<String> tensorNames() {
        List<String> names = new ArrayList<>();
        names.add("model.embed_tokens.weight");
        for (int i = 0; i < layers; i++) {
            String p = "model.layers." + i + ".";
            names.addAll(List.of(p + "input_layernorm.weight", p + "self_attn.q_proj.weight",
                    p + "self_attn.k_proj.weight", p + "self_attn.v_proj.weight"));
            if (bias) {
                names.addAll(List.of(p + "self_attn.q_proj.bias", p + "self_attn.k_proj.bias", p + "self_attn.v_proj.bias"));
            }
            names.add(p + "self_attn.o_proj.weight");
            if (outputBias()) {
                names.add(p + "self_attn.o_proj.bias");
            }
            if (qkNorm()) {
                names.addAll(List.of(p + "self_attn.q_norm.weight", p + "self_attn.k_norm.weight"));
            }
            names.addAll(List.of(p + "post_attention_layernorm.weight", p + "mlp.gate_proj.weight",
                    p + "mlp.up_proj.weight", p + "mlp.down_proj.weight"));
        }
        names.add("model.norm.weight");
        if (!tied) {
            names.add("lm_head.weight");
        }
        return names;
    }

    /** Random values for one tensor; each tensor has its own seed so tensors can be made one at a time. */
    float[] randomTensor(String name) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + tensorNames().indexOf(name));
        int n = Arrays.stream(shape(name)).reduce(1, Math::multiplyExact);
        if (name.endsWith("norm.weight")) {
            return around1(random, n);
        }
        if (name.endsWith(".bias")) {
            return normal(random, n, 0.1);
        }
        return normal(random, n, name.endsWith("embed_tokens.weight") ? 0.5 : 0.2);
    }

    /** Parameters in the checkpoint. */
    public long parameters() {
        return tensorNames().stream().mapToLong(name -> Arrays.stream(shape(name)).asLongStream().reduce(1, Math::multiplyExact)).sum();
    }

    Map<String, float[]> weights() {
        Map<String, float[]> w = new LinkedHashMap<>();
        for (String name : tensorNames()) {
            w.put(name, randomTensor(name));
        }
        return w;
    }

    int[] shape(String name) {
        if (name.endsWith("embed_tokens.weight") || name.equals("lm_head.weight")) {
            return new int[] {vocab, hidden};
        }
        if (name.endsWith("q_norm.weight") || name.endsWith("k_norm.weight")) {
            return new int[] {headDim};
        }
        if (name.endsWith("norm.weight")) {
            return new int[] {hidden};
        }
        if (name.endsWith("q_proj.weight")) {
            return new int[] {heads * headDim, hidden};
        }
        if (name.endsWith("k_proj.weight") || name.endsWith("v_proj.weight")) {
            return new int[] {kvHeads * headDim, hidden};
        }
        if (name.endsWith("q_proj.bias")) {
            return new int[] {heads * headDim};
        }
        if (name.endsWith("k_proj.bias") || name.endsWith("v_proj.bias")) {
            return new int[] {kvHeads * headDim};
        }
        if (name.endsWith("o_proj.bias")) {
            return new int[] {hidden};
        }
        if (name.endsWith("o_proj.weight")) {
            return new int[] {hidden, heads * headDim};
        }
        if (name.endsWith("down_proj.weight")) {
            return new int[] {hidden, intermediate};
        }
        return new int[] {intermediate, hidden};
    }

    /** Writes config.json and the weights (split over {@code shards} files); returns the stored values. */
    public Map<String, float[]> write(Path dir, SafeTensorsWriter.DType dtype, int shards) throws IOException {
        Map<String, float[]> stored = new LinkedHashMap<>();
        write(dir, dtype, shards, stored::put);
        return stored;
    }

    /** Writes a checkpoint too big to hold in memory twice: each tensor is made, written and dropped. */
    public void writeStreaming(Path dir, SafeTensorsWriter.DType dtype) throws IOException {
        try (ProgressLine progress = ProgressLine.start("writing " + dtype + " weights", parameters(), "M parameters",
                1_000_000)) {
            write(dir, dtype, 1, (name, values) -> progress.add(values.length));
        }
    }

    private void write(Path dir, SafeTensorsWriter.DType dtype, int shards, BiConsumer<String, float[]> keep)
            throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), configJson(dtype));
        SafeTensorsWriter[] writers = new SafeTensorsWriter[shards];
        for (int i = 0; i < shards; i++) {
            writers[i] = new SafeTensorsWriter();
        }
        int n = 0;
        for (String name : tensorNames()) {
            writers[n++ % shards].add(name, shape(name), () -> {
                float[] values = randomTensor(name);
                for (int i = 0; i < values.length; i++) {
                    values[i] = SafeTensorsWriter.stored(values[i], dtype);
                }
                keep.accept(name, values);
                return values;
            });
        }
        for (int i = 0; i < shards; i++) {
            String name = shards == 1 ? "model.safetensors"
                    : "model-%05d-of-%05d.safetensors".formatted(i + 1, shards);
            writers[i].write(dir.resolve(name), dtype);
        }
    }

    String configJson(SafeTensorsWriter.DType dtype) {
        return """
                {"architectures": ["%s"], "model_type": "%s", "vocab_size": %d, "hidden_size": %d,
                 "intermediate_size": %d, "num_hidden_layers": %d, "num_attention_heads": %d,
                 "num_key_value_heads": %d, "head_dim": %d, "rms_norm_eps": %s, "rope_theta": %s,
                 "rope_scaling": %s, "tie_word_embeddings": %s, "attention_bias": %s,
                 "max_position_embeddings": 32768, "hidden_act": "silu", "bos_token_id": 1, "eos_token_id": 2,
                 "torch_dtype": "%s"}
                """.formatted(architecture, modelType, vocab, hidden, intermediate, layers, heads, kvHeads, headDim,
                eps, theta, ropeScalingJson == null ? "null" : ropeScalingJson, tied,
                outputBias(), dtype == SafeTensorsWriter.DType.F32 ? "float32"
                        : dtype == SafeTensorsWriter.DType.F16 ? "float16" : "bfloat16");
    }

    static float[] normal(SplittableRandom random, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            // Sum of uniforms: close enough to normal, and exactly reproducible from the seed.
            double s = random.nextDouble() + random.nextDouble() + random.nextDouble() - 1.5;
            v[i] = (float) (s * scale * 2);
        }
        return v;
    }

    static float[] around1(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (1 + (random.nextDouble() - 0.5) * 0.4);
        }
        return v;
    }
}
