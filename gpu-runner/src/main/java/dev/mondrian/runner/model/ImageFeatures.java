package dev.mondrian.runner.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * @param embeddings [imageTokens, textHidden]: what takes the places of the image tokens
 * @param deepstack  Qwen3-VL's DeepStack: one more [imageTokens, textHidden] per early decoder layer,
 *                   added to that layer's output at the image tokens; empty for other families
 */
public record ImageFeatures(NDArray embeddings, List<NDArray> deepstack) {}
