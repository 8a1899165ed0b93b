package dev.mondrian.runner.model.llava;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import dev.mondrian.runner.model.ImageEncoder;
import dev.mondrian.runner.model.ImageFeatures;
import dev.mondrian.runner.model.PreparedImage;
import dev.mondrian.runner.model.Weights;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The LLaVA image path: a ViT of the CLIP or SigLIP kind, read at {@code vision_feature_layer},
 * then the two-layer GELU projector into the decoder's embedding space.
 */
public final class VisionTower implements ImageEncoder {
    private record Layer(NDArray norm1Weight, NDArray norm1Bias, NDArray q, NDArray qBias, NDArray k, NDArray kBias,
                         NDArray v, NDArray vBias, NDArray out, NDArray outBias, NDArray norm2Weight,
                         NDArray norm2Bias, NDArray fc1, NDArray fc1Bias, NDArray fc2, NDArray fc2Bias) {}

    private final VisionConfig config;
    private final ImagePreprocessor preprocessor;
    private final NDArray patchWeight;
    private final NDArray patchBias;
    private final NDArray classEmbedding;
    private final NDArray positions;
    private final NDArray preNormWeight;
    private final NDArray preNormBias;
    private final Layer[] layers;
    private final NDArray proj1;
    private final NDArray proj1Bias;
    private final NDArray proj2;
    private final NDArray proj2Bias;
    private final boolean dropFirstToken;
    private final DataType type;
    /** Scalars as tensors held for the model's life, for training's sake: see TextDecoder's. */
    private final NDArray attentionScale;
    private final NDArray half;
    private final NDArray quickGelu;
    private final NDArray tanhCubic;
    private final NDArray tanhScale;

    VisionTower(LlavaConfig model, Weights weights, DataType type, ImagePreprocessor preprocessor) {
        this.config = model.tower();
        this.preprocessor = preprocessor;
        this.type = type;
        String e = "vision_tower.vision_model.embeddings.";
        patchWeight = weights.get(e + "patch_embedding.weight");
        patchBias = weights.optional(e + "patch_embedding.bias").orElse(null);
        classEmbedding = config.isClip() ? weights.get(e + "class_embedding") : null;
        positions = weights.get(e + "position_embedding.weight");
        String pre = "vision_tower.vision_model.pre_layrnorm.";
        preNormWeight = config.isClip() ? weights.get(pre + "weight") : null;
        preNormBias = config.isClip() ? weights.get(pre + "bias") : null;
        // hidden_states[0] is the embedding output, hidden_states[k] the output of layer k.
        int selected = model.featureLayer() < 0 ? config.numLayers() + 1 + model.featureLayer()
                : model.featureLayer();
        if (selected < 0 || selected > config.numLayers()) {
            throw new IllegalArgumentException("vision_feature_layer " + model.featureLayer()
                    + " is outside the vision tower's " + config.numLayers() + " layers");
        }
        layers = new Layer[selected];
        for (int i = 0; i < selected; i++) {
            String p = "vision_tower.vision_model.encoder.layers." + i + ".";
            String a = p + "self_attn.";
            layers[i] = new Layer(weights.get(p + "layer_norm1.weight"), weights.get(p + "layer_norm1.bias"),
                    weights.get(a + "q_proj.weight"), weights.get(a + "q_proj.bias"),
                    weights.get(a + "k_proj.weight"), weights.get(a + "k_proj.bias"),
                    weights.get(a + "v_proj.weight"), weights.get(a + "v_proj.bias"),
                    weights.get(a + "out_proj.weight"), weights.get(a + "out_proj.bias"),
                    weights.get(p + "layer_norm2.weight"), weights.get(p + "layer_norm2.bias"),
                    weights.get(p + "mlp.fc1.weight"), weights.get(p + "mlp.fc1.bias"),
                    weights.get(p + "mlp.fc2.weight"), weights.get(p + "mlp.fc2.bias"));
        }
        proj1 = weights.get("multi_modal_projector.linear_1.weight");
        proj1Bias = weights.get("multi_modal_projector.linear_1.bias");
        proj2 = weights.get("multi_modal_projector.linear_2.weight");
        proj2Bias = weights.get("multi_modal_projector.linear_2.bias");
        dropFirstToken = !model.keepClsToken();
        NDManager manager = patchWeight.getManager();
        attentionScale = scalar(manager, 1 / Math.sqrt((double) config.hiddenSize() / config.numHeads()));
        half = scalar(manager, 0.5);
        quickGelu = scalar(manager, 1.702);
        tanhCubic = scalar(manager, 0.044715);
        tanhScale = scalar(manager, Math.sqrt(2 / Math.PI));
    }

    private NDArray scalar(NDManager manager, double value) {
        return manager.create((float) value).toType(type, false);
    }

    /** How many image tokens one image becomes in the prompt. */
    public int imageTokens() {
        int patches = config.patchesPerSide() * config.patchesPerSide();
        int tokens = config.isClip() ? patches + 1 : patches;
        return dropFirstToken ? tokens - 1 : tokens;
    }

    public VisionConfig config() {
        return config;
    }

    @Override
    public PreparedImage prepare(BufferedImage image, int maxTokens) {
        if (imageTokens() > maxTokens) {
            throw new IllegalArgumentException("an image takes " + imageTokens() + " tokens of this model's context, and only "
                    + maxTokens + " are left; raise the context length or shorten the prompt");
        }
        return new PreparedImage(preprocessor.apply(image), new int[] {1, 1, imageTokens()});
    }

    @Override
    public ImageFeatures encode(NDManager scope, PreparedImage image) {
        return new ImageFeatures(features(scope, image.pixels()), List.of());
    }

    /** Projected image features [imageTokens, textHidden] for one preprocessed [3, S, S] image. */
    public NDArray features(NDManager scope, float[] pixels) {
        int size = config.imageSize();
        if (pixels.length != 3 * size * size) {
            throw new IllegalArgumentException("the image must be preprocessed to 3x" + size + "x" + size);
        }
        return features(scope.create(pixels, new Shape(1, 3, size, size))).squeeze(0);
    }

    /**
     * Projected image features [batch, imageTokens, textHidden] for preprocessed images [batch, 3, S, S]:
     * training looks at many photos in one pass, which costs far less than one pass each.
     */
    public NDArray features(NDArray images) {
        long batch = images.getShape().get(0);
        NDArray patches = Conv2d.conv2d(images.toType(type, false), patchWeight, patchBias,
                new Shape(config.patchSize(), config.patchSize())).singletonOrThrow();
        int hidden = config.hiddenSize();
        NDArray h = patches.reshape(batch, hidden, -1).transpose(0, 2, 1);
        if (classEmbedding != null) {
            h = classEmbedding.reshape(1, 1, hidden).broadcast(new Shape(batch, 1, hidden)).concat(h, 1);
        }
        h = positions.add(h);
        if (preNormWeight != null) {
            h = layerNorm(h, preNormWeight, preNormBias);
        }
        for (Layer layer : layers) {
            h = h.add(attention(layer, layerNorm(h, layer.norm1Weight(), layer.norm1Bias())));
            NDArray x = layerNorm(h, layer.norm2Weight(), layer.norm2Bias());
            h = h.add(linear(activation(linear(x, layer.fc1(), layer.fc1Bias())), layer.fc2(), layer.fc2Bias()));
        }
        if (dropFirstToken) {
            h = h.get(":, 1:");
        }
        return linear(Activation.gelu(linear(h, proj1, proj1Bias)), proj2, proj2Bias);
    }

    private NDArray attention(Layer layer, NDArray x) {
        long batch = x.getShape().get(0);
        long tokens = x.getShape().get(1);
        int heads = config.numHeads();
        int dim = config.hiddenSize() / heads;
        NDArray q = linear(x, layer.q(), layer.qBias()).reshape(batch, tokens, heads, dim).transpose(0, 2, 1, 3);
        NDArray k = linear(x, layer.k(), layer.kBias()).reshape(batch, tokens, heads, dim).transpose(0, 2, 3, 1);
        NDArray v = linear(x, layer.v(), layer.vBias()).reshape(batch, tokens, heads, dim).transpose(0, 2, 1, 3);
        NDArray probs = q.matMul(k).mul(attentionScale).toType(DataType.FLOAT32, false).softmax(-1)
                .toType(type, false);
        NDArray out = probs.matMul(v).transpose(0, 2, 1, 3).reshape(batch, tokens, (long) heads * dim);
        return linear(out, layer.out(), layer.outBias());
    }

    private NDArray activation(NDArray x) {
        return switch (config.hiddenAct()) {
            case "quick_gelu" -> x.mul(Activation.sigmoid(x.mul(quickGelu)));
            case "gelu" -> Activation.gelu(x);
            case "gelu_pytorch_tanh" -> {
                NDArray inner = x.add(x.mul(x).mul(x).mul(tanhCubic)).mul(tanhScale);
                yield x.mul(half).mul(inner.tanh().add(1));
            }
            default -> throw new IllegalArgumentException("vision hidden_act '" + config.hiddenAct() + "' is not supported");
        };
    }

    private NDArray layerNorm(NDArray x, NDArray weight, NDArray bias) {
        return LayerNorm.layerNorm(x, new Shape(config.hiddenSize()), weight, bias, (float) config.layerNormEps())
                .singletonOrThrow();
    }

    private static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return Linear.linear(x, weight, bias).singletonOrThrow();
    }
}
