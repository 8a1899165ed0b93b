package dev.mondrian.runner.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * LoRA adapter folders as PEFT's {@code save_pretrained} writes them (PEFT's documentation: "LoRA",
 * "Checkpoint format"): adapter_config.json with PEFT's fields, and adapter_model.safetensors with
 * {@code base_model.model.<module path>.lora_A.weight} [r, in] and {@code .lora_B.weight} [out, r], the
 * adapter name ("default") left out of the keys.
 *
 * @param modules module path (as the transformers model names it, no {@code .weight}) → {out, in}
 * @param zeroB   B all zero, as PEFT initialises it: the adapter changes nothing yet
 */
record TinyAdapter(Map<String, int[]> modules, int r, double alpha, boolean rslora, boolean zeroB, long seed) {

    /** Every weight the base's decoder adapts, at the module paths of {@code layout} ("model." or "model.language_model."). */
    static Map<String, int[]> decoderModules(Model base, String layout) {
        Map<String, int[]> modules = new LinkedHashMap<>();
        for (String weight : base.decoder().adaptable().stream().sorted().toList()) {
            long[] shape = base.weights().get(weight).getShape().getShape();
            String module = weight.substring(0, weight.length() - ".weight".length());
            modules.put(module.startsWith("model.") ? layout + module.substring("model.".length()) : module,
                    new int[] {(int) shape[0], (int) shape[1]});
        }
        return modules;
    }

    Path write(Path dir, SafeTensorsWriter.DType dtype) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(seed);
        SafeTensorsWriter writer = new SafeTensorsWriter();
        for (Map.Entry<String, int[]> module : modules.entrySet()) {
            int out = module.getValue()[0];
            int in = module.getValue()[1];
            String key = Adapter.PREFIX + module.getKey();
            writer.add(key + ".lora_A.weight", new int[] {r, in}, TinyDecoder.normal(random, r * in, 0.3));
            writer.add(key + ".lora_B.weight", new int[] {out, r},
                    zeroB ? new float[out * r] : TinyDecoder.normal(random, out * r, 0.3));
        }
        writer.write(dir.resolve("adapter_model.safetensors"), dtype);
        Files.writeString(dir.resolve("adapter_config.json"), """
                {"alpha_pattern": {}, "auto_mapping": null, "base_model_name_or_path": "tiny", "bias": "none",
                 "fan_in_fan_out": false, "inference_mode": true, "init_lora_weights": true, "layer_replication": null,
                 "layers_pattern": null, "layers_to_transform": null, "loftq_config": {}, "lora_alpha": %s,
                 "lora_dropout": 0.05, "megatron_config": null, "megatron_core": "megatron.core",
                 "modules_to_save": null, "peft_type": "LORA", "r": %d, "rank_pattern": {}, "revision": null,
                 "target_modules": ["down_proj", "o_proj", "k_proj", "q_proj", "gate_proj", "up_proj", "v_proj",
                 "lm_head", "qkv"], "task_type": "CAUSAL_LM", "use_dora": false, "use_rslora": %s}
                """.formatted(alpha, r, rslora));
        return dir;
    }
}
