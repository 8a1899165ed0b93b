package dev.mondrian.runner.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * adapter_config.json of a PEFT LoRA folder: what the scale of each adapted module is. The rank of a
 * module is read from its lora_A tensor (so {@code rank_pattern} needs no parsing); its alpha is
 * {@code alpha_pattern}'s when a pattern matches the module, else {@code lora_alpha}; its scale is
 * alpha / r, or alpha / √r with {@code use_rslora}, as PEFT computes it. Options that change the
 * computation beyond W·x + scale·B·A·x (DoRA, trained biases, fully trained extra modules,
 * Conv1D-transposed weights) are refused by name.
 *
 * @param targets {@code target_modules}: a list of module names (a module matches when its path ends
 *                with one) or one regular expression over the whole path
 */
public record AdapterConfig(int r, double alpha, boolean rslora, Map<String, Double> alphaPattern, Object targets) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static AdapterConfig read(Path folder) throws IOException {
        Path file = folder.resolve("adapter_config.json");
        if (!Files.isRegularFile(file)) {
            throw new IOException(folder + " has no adapter_config.json; a LoRA adapter folder holds adapter_config.json"
                    + " and adapter_model.safetensors as PEFT's save_pretrained writes them");
        }
        JsonNode root = JSON.readTree(file.toFile());
        String type = root.path("peft_type").asString("LORA");
        if (!type.equals("LORA")) {
            throw new IllegalArgumentException(file + ": peft_type " + type + "; only LORA adapters are supported");
        }
        refuse(file, root.path("use_dora").asBoolean(false), "use_dora: DoRA adapters are not supported");
        refuse(file, root.path("fan_in_fan_out").asBoolean(false),
                "fan_in_fan_out: adapters of Conv1D (GPT-2 style) weights are not supported");
        refuse(file, !root.path("bias").asString("none").equals("none"),
                "bias " + root.path("bias").asString() + ": adapters that train biases are not supported");
        JsonNode saved = root.path("modules_to_save");
        refuse(file, saved.isArray() && !saved.isEmpty(),
                "modules_to_save " + saved + ": adapters that fully train modules are not supported");
        int r = root.path("r").asInt(8);
        if (r < 1) {
            throw new IllegalArgumentException(file + ": r must be at least 1, got " + r);
        }
        Map<String, Double> alphaPattern = new LinkedHashMap<>();
        root.path("alpha_pattern").properties().forEach(e -> alphaPattern.put(e.getKey(), e.getValue().asDouble()));
        JsonNode targets = root.path("target_modules");
        Object parsedTargets = targets.isArray() ? targets.valueStream().map(JsonNode::asString).toList()
                : targets.isString() ? targets.asString() : null;
        return new AdapterConfig(r, root.path("lora_alpha").asDouble(8), root.path("use_rslora").asBoolean(false),
                Map.copyOf(alphaPattern), parsedTargets);
    }

    private static void refuse(Path file, boolean unsupported, String why) {
        if (unsupported) {
            throw new IllegalArgumentException(file + ": " + why);
        }
    }

    /** The factor B·A is scaled by for a module of rank {@code rank} at {@code module} (its PEFT path). */
    public double scale(String module, int rank) {
        double a = alpha;
        for (Map.Entry<String, Double> pattern : alphaPattern.entrySet()) {
            // PEFT matches a pattern key against the end of the module's path.
            if (Pattern.compile("(.*\\.)?" + pattern.getKey() + "$").matcher(module).matches()) {
                a = pattern.getValue();
                break;
            }
        }
        return rslora ? a / Math.sqrt(rank) : a / rank;
    }

    /** Whether {@code target_modules} names the module; an adapter file holding others was not made from this config. */
    public boolean targets(String module) {
        if (targets instanceof String regex) {
            return Pattern.compile(regex).matcher(module).matches();
        }
        if (targets instanceof List<?> names) {
            return names.contains("all-linear") || names.stream().anyMatch(n -> module.equals(n) || module.endsWith("." + n));
        }
        return true;
    }
}
