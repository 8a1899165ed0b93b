package dev.mondrian.runner.model.llava;

/**
 * A LLaVA model's vision settings: its ViT, the layer whose hidden states are read, and whether
 * the first (class) token is kept ("full") or dropped ("default").
 */
public record LlavaConfig(VisionConfig tower, int featureLayer, boolean keepClsToken) {}
