package dev.mondrian.runner.model;

import java.util.Arrays;
import java.util.Map;

/**
 * LLaVA's image path written out with plain loops, as transformers' CLIP/SigLIP and
 * LlavaMultiModalProjector read: patch convolution, class token and positions, pre-norm
 * encoder layers, hidden_states[feature layer], the select strategy, then linear-GELU-linear.
 */
final class ReferenceVisionTower {
    private final TinyLlava spec;
    private final Map<String, float[]> w;

    ReferenceVisionTower(TinyLlava spec, Map<String, float[]> weights) {
        this.spec = spec;
        this.w = weights;
    }

    /** Projected features [imageTokens][textHidden] for pixels [3][S][S] flattened channel-first. */
    double[][] features(float[] pixels) {
        String v = "vision_tower.vision_model.";
        double[][] h = embeddings(pixels, v + "embeddings.");
        if (spec.clipTower()) {
            h = layerNorm(h, v + "pre_layrnorm.");
        }
        // hidden_states has layers+1 entries, [0] being the embeddings.
        int selected = spec.featureLayer() < 0 ? spec.layers() + 1 + spec.featureLayer() : spec.featureLayer();
        for (int i = 0; i < selected; i++) {
            h = encoderLayer(h, v + "encoder.layers." + i + ".");
        }
        if (spec.strategy().equals("default")) {
            h = Arrays.copyOfRange(h, 1, h.length);
        }
        int textHidden = spec.text().hidden();
        double[][] x = ReferenceDecoder.linear(h, w.get("multi_modal_projector.linear_1.weight"),
                w.get("multi_modal_projector.linear_1.bias"), textHidden);
        for (double[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] = 0.5 * row[j] * (1 + erf(row[j] / Math.sqrt(2)));
            }
        }
        return ReferenceDecoder.linear(x, w.get("multi_modal_projector.linear_2.weight"),
                w.get("multi_modal_projector.linear_2.bias"), textHidden);
    }

    private double[][] embeddings(float[] pixels, String p) {
        int d = spec.hidden();
        int size = spec.imageSize();
        int patch = spec.patchSize();
        int side = size / patch;
        float[] kernel = w.get(p + "patch_embedding.weight");
        float[] bias = w.get(p + "patch_embedding.bias");
        int offset = spec.clipTower() ? 1 : 0;
        double[][] h = new double[spec.patches() + offset][d];
        if (spec.clipTower()) {
            float[] cls = w.get(p + "class_embedding");
            for (int j = 0; j < d; j++) {
                h[0][j] = cls[j];
            }
        }
        // Patches in row-major order, as the conv output [d, side, side] flattens.
        for (int py = 0; py < side; py++) {
            for (int px = 0; px < side; px++) {
                double[] out = h[offset + py * side + px];
                for (int o = 0; o < d; o++) {
                    double sum = bias == null ? 0 : bias[o];
                    for (int c = 0; c < 3; c++) {
                        for (int ky = 0; ky < patch; ky++) {
                            for (int kx = 0; kx < patch; kx++) {
                                sum += kernel[((o * 3 + c) * patch + ky) * patch + kx]
                                        * pixels[(c * size + py * patch + ky) * size + px * patch + kx];
                            }
                        }
                    }
                    out[o] = sum;
                }
            }
        }
        float[] positions = w.get(p + "position_embedding.weight");
        for (int t = 0; t < h.length; t++) {
            for (int j = 0; j < d; j++) {
                h[t][j] += positions[t * d + j];
            }
        }
        return h;
    }

    private double[][] encoderLayer(double[][] h, String p) {
        int d = spec.hidden();
        double[][] x = layerNorm(h, p + "layer_norm1.");
        double[][] q = linear(x, p + "self_attn.q_proj.", d);
        double[][] k = linear(x, p + "self_attn.k_proj.", d);
        double[][] v = linear(x, p + "self_attn.v_proj.", d);
        int heads = spec.heads();
        int dim = d / heads;
        int n = h.length;
        double[][] attended = new double[n][d];
        for (int head = 0; head < heads; head++) {
            for (int i = 0; i < n; i++) {
                // Every patch sees every patch: no causal mask in a ViT.
                ReferenceDecoder.attendRow(q[i], head * dim, k, v, head * dim, dim, n, attended[i]);
            }
        }
        ReferenceDecoder.add(h, linear(attended, p + "self_attn.out_proj.", d));
        double[][] up = linear(layerNorm(h, p + "layer_norm2."), p + "mlp.fc1.", spec.intermediate());
        for (double[] row : up) {
            for (int j = 0; j < row.length; j++) {
                row[j] = activation(row[j]);
            }
        }
        ReferenceDecoder.add(h, linear(up, p + "mlp.fc2.", d));
        return h;
    }

    private double activation(double x) {
        return switch (spec.act()) {
            case "quick_gelu" -> x / (1 + Math.exp(-1.702 * x));
            case "gelu_pytorch_tanh" -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            default -> throw new IllegalArgumentException(spec.act());
        };
    }

    private double[][] layerNorm(double[][] x, String p) {
        float[] weight = w.get(p + "weight");
        float[] bias = w.get(p + "bias");
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double mean = Arrays.stream(x[t]).average().orElseThrow();
            double variance = Arrays.stream(x[t]).map(value -> (value - mean) * (value - mean)).average().orElseThrow();
            double inv = 1 / Math.sqrt(variance + spec.eps());
            out[t] = new double[x[t].length];
            for (int j = 0; j < x[t].length; j++) {
                out[t][j] = (x[t][j] - mean) * inv * weight[j] + bias[j];
            }
        }
        return out;
    }

    private double[][] linear(double[][] x, String p, int outDim) {
        return ReferenceDecoder.linear(x, w.get(p + "weight"), w.get(p + "bias"), outDim);
    }

    /** erf by its Maclaurin series (|x| < 3) or continued fraction tail; accurate far below 1e-9 here. */
    static double erf(double x) {
        double a = Math.abs(x);
        double result;
        if (a < 3) {
            double term = a;
            double sum = a;
            for (int n = 1; n < 200 && Math.abs(term) > 1e-17; n++) {
                term *= -a * a / n;
                sum += term / (2 * n + 1);
            }
            result = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double fraction = 0;
            for (int n = 60; n >= 1; n--) {
                fraction = n / 2.0 / (a + fraction);
            }
            result = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + fraction);
        }
        return Math.copySign(result, x);
    }
}
