package dev.mondrian.runner.model;

import java.util.List;
import java.util.Map;

/**
 * The decoder written out with plain loops over the stored weights, the way the transformers
 * Python code reads: the independent check on the engine's tensor code.
 */
public final class ReferenceDecoder {
    private final TinyDecoder spec;
    private final Map<String, float[]> w;
    private final double[] invFreq;
    private final double positionScale;
    /** Multimodal RoPE: frequency pair i follows position axis axisOf[i] (0 t, 1 h, 2 w); null for plain RoPE. */
    private final int[] axisOf;

    public ReferenceDecoder(TinyDecoder spec, Map<String, float[]> weights) {
        this(spec, weights, null, false);
    }

    /**
     * A decoder with multimodal RoPE, as transformers' Qwen2-VL (and Qwen2.5-VL) rotary embedding
     * reads mrope_section: the cos/sin halves split into section-sized chunks taken from the t, h, w
     * positions in turn (chunk i from axis i % 3). Qwen3-VL's {@code interleaved} layout instead starts
     * from the t frequencies and overwrites every third one from index 1 (up to 3·section[1]) with h's
     * and every third from index 2 (up to 3·section[2]) with w's.
     */
    public ReferenceDecoder(TinyDecoder spec, Map<String, float[]> weights, int[] mropeSection, boolean interleaved) {
        this.spec = spec;
        this.w = weights;
        if (mropeSection == null) {
            axisOf = null;
        } else {
            int half = spec.headDim() / 2;
            axisOf = new int[half];
            if (interleaved) {
                // freqs_t[..., 1:3*s1:3] = freqs_h[...]; freqs_t[..., 2:3*s2:3] = freqs_w[...]
                for (int i = 1; i < 3 * mropeSection[1] && i < half; i += 3) {
                    axisOf[i] = 1;
                }
                for (int i = 2; i < 3 * mropeSection[2] && i < half; i += 3) {
                    axisOf[i] = 2;
                }
            } else {
                // cos (width headDim) split into section*2 chunks; chunk c takes axis c % 3. The second
                // half of the chunks mirrors the first over the duplicated frequencies.
                int i = 0;
                for (int chunk = 0; chunk < 3; chunk++) {
                    for (int n = 0; n < mropeSection[chunk]; n++) {
                        axisOf[i++] = chunk;
                    }
                }
                if (i != half) {
                    throw new IllegalArgumentException("mrope_section does not add up to head_dim / 2");
                }
            }
        }
        int half = spec.headDim() / 2;
        invFreq = new double[half];
        for (int i = 0; i < half; i++) {
            invFreq[i] = 1.0 / Math.pow(spec.theta(), 2.0 * i / spec.headDim());
        }
        String scaling = spec.ropeScalingJson();
        positionScale = scaling != null && scaling.contains("linear") ? 0.5 : 1;
        if (scaling != null && scaling.contains("llama3")) {
            // factor 8, low 1, high 4, original 16, as TinyDecoder.smolLlama3 writes them.
            for (int i = 0; i < half; i++) {
                double wavelen = 2 * Math.PI / invFreq[i];
                if (wavelen > 16 / 1.0) {
                    invFreq[i] /= 8;
                } else if (wavelen >= 16 / 4.0) {
                    double smooth = (16 / wavelen - 1) / (4 - 1);
                    invFreq[i] = (1 - smooth) * invFreq[i] / 8 + smooth * invFreq[i];
                }
            }
        }
    }

    /** Logits [seq][vocab] for the whole sequence, causal. */
    public float[][] logits(int[] tokens) {
        double[][] h = new double[tokens.length][];
        for (int t = 0; t < tokens.length; t++) {
            h[t] = embedding(tokens[t]);
        }
        return logits(h);
    }

    /** One token's input embedding. */
    public double[] embedding(int token) {
        int hidden = spec.hidden();
        float[] embed = w.get("model.embed_tokens.weight");
        double[] row = new double[hidden];
        for (int j = 0; j < hidden; j++) {
            row[j] = embed[token * hidden + j];
        }
        return row;
    }

    /** Logits [seq][vocab] for input embeddings [seq][hidden] (modified in place), causal. */
    public float[][] logits(double[][] h) {
        long[][] positions = new long[3][h.length];
        for (int axis = 0; axis < 3; axis++) {
            for (int t = 0; t < h.length; t++) {
                positions[axis][t] = t;
            }
        }
        return logits(h, positions, List.of());
    }

    /**
     * Logits [seq][vocab] for input embeddings [seq][hidden] (modified in place) at RoPE positions
     * [3][seq] (temporal, height, width; plain RoPE reads the first), causal over the given order.
     *
     * @param deepstack Qwen3-VL's DeepStack: entry i ([seq][hidden], rows may be null for zero) is added
     *                  to the output of layer i, as _deepstack_process adds visual features at image tokens
     */
    public float[][] logits(double[][] h, long[][] positions, List<double[][]> deepstack) {
        int seq = h.length;
        int hidden = spec.hidden();
        for (int layer = 0; layer < spec.layers(); layer++) {
            String p = "model.layers." + layer + ".";
            double[][] x = rmsNorm(h, w.get(p + "input_layernorm.weight"));
            double[][] attn = attention(x, p + "self_attn.", positions);
            add(h, attn);
            double[][] y = rmsNorm(h, w.get(p + "post_attention_layernorm.weight"));
            double[][] gate = linear(y, w.get(p + "mlp.gate_proj.weight"), null, spec.intermediate());
            double[][] up = linear(y, w.get(p + "mlp.up_proj.weight"), null, spec.intermediate());
            for (int t = 0; t < seq; t++) {
                for (int j = 0; j < spec.intermediate(); j++) {
                    double g = gate[t][j];
                    gate[t][j] = g / (1 + Math.exp(-g)) * up[t][j];
                }
            }
            add(h, linear(gate, w.get(p + "mlp.down_proj.weight"), null, hidden));
            if (layer < deepstack.size()) {
                double[][] extra = deepstack.get(layer);
                for (int t = 0; t < seq; t++) {
                    if (extra[t] != null) {
                        for (int j = 0; j < hidden; j++) {
                            h[t][j] += extra[t][j];
                        }
                    }
                }
            }
        }
        double[][] out = rmsNorm(h, w.get("model.norm.weight"));
        float[] head = w.get(spec.tied() ? "model.embed_tokens.weight" : "lm_head.weight");
        double[][] logits = linear(out, head, null, spec.vocab());
        float[][] result = new float[seq][spec.vocab()];
        for (int t = 0; t < seq; t++) {
            for (int v = 0; v < spec.vocab(); v++) {
                result[t][v] = (float) logits[t][v];
            }
        }
        return result;
    }

    private double[][] attention(double[][] x, String p, long[][] positions) {
        int seq = x.length;
        int d = spec.headDim();
        double[][] q = linear(x, w.get(p + "q_proj.weight"), w.get(p + "q_proj.bias"), spec.heads() * d);
        double[][] k = linear(x, w.get(p + "k_proj.weight"), w.get(p + "k_proj.bias"), spec.kvHeads() * d);
        double[][] v = linear(x, w.get(p + "v_proj.weight"), w.get(p + "v_proj.bias"), spec.kvHeads() * d);
        if (spec.qkNorm()) {
            // Qwen3: RMSNorm over each head's own headDim values of q and k, before the rotation.
            for (int t = 0; t < seq; t++) {
                headNorm(q[t], spec.heads(), w.get(p + "q_norm.weight"));
                headNorm(k[t], spec.kvHeads(), w.get(p + "k_norm.weight"));
            }
        }
        for (int t = 0; t < seq; t++) {
            long[] at = {positions[0][t], positions[1][t], positions[2][t]};
            rotate(q[t], spec.heads(), at);
            rotate(k[t], spec.kvHeads(), at);
        }
        double[][] out = new double[seq][spec.heads() * d];
        int group = spec.heads() / spec.kvHeads();
        for (int head = 0; head < spec.heads(); head++) {
            int kv = head / group;
            for (int t = 0; t < seq; t++) {
                attendRow(q[t], head * d, k, v, kv * d, d, t + 1, out[t]);
            }
        }
        return linear(out, w.get(p + "o_proj.weight"), w.get(p + "o_proj.bias"), spec.hidden());
    }

    /**
     * One head of one query row: softmax(q·k/√d) over the first {@code keys} positions, times v,
     * written into {@code out} at the query head's offset ({@code qOffset}).
     */
    static void attendRow(double[] q, int qOffset, double[][] k, double[][] v, int kvOffset, int d, int keys,
                          double[] out) {
        double[] scores = new double[keys];
        double max = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < keys; s++) {
            double dot = 0;
            for (int i = 0; i < d; i++) {
                dot += q[qOffset + i] * k[s][kvOffset + i];
            }
            scores[s] = dot / Math.sqrt(d);
            max = Math.max(max, scores[s]);
        }
        double sum = 0;
        for (int s = 0; s < keys; s++) {
            scores[s] = Math.exp(scores[s] - max);
            sum += scores[s];
        }
        for (int s = 0; s < keys; s++) {
            for (int i = 0; i < d; i++) {
                out[qOffset + i] += scores[s] / sum * v[s][kvOffset + i];
            }
        }
    }

    private void headNorm(double[] vector, int heads, float[] weight) {
        int d = spec.headDim();
        for (int head = 0; head < heads; head++) {
            double sq = 0;
            for (int i = 0; i < d; i++) {
                sq += vector[head * d + i] * vector[head * d + i];
            }
            double inv = 1 / Math.sqrt(sq / d + spec.eps());
            for (int i = 0; i < d; i++) {
                vector[head * d + i] *= inv * weight[i];
            }
        }
    }

    private void rotate(double[] vector, int heads, long[] position) {
        int d = spec.headDim();
        int half = d / 2;
        for (int head = 0; head < heads; head++) {
            int base = head * d;
            for (int i = 0; i < half; i++) {
                double angle = position[axisOf == null ? 0 : axisOf[i]] * positionScale * invFreq[i];
                double a = vector[base + i];
                double b = vector[base + i + half];
                vector[base + i] = a * Math.cos(angle) - b * Math.sin(angle);
                vector[base + i + half] = b * Math.cos(angle) + a * Math.sin(angle);
            }
        }
    }

    private double[][] rmsNorm(double[][] x, float[] weight) {
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double sq = 0;
            for (double v : x[t]) {
                sq += v * v;
            }
            double inv = 1 / Math.sqrt(sq / x[t].length + spec.eps());
            out[t] = new double[x[t].length];
            for (int j = 0; j < x[t].length; j++) {
                out[t][j] = x[t][j] * inv * weight[j];
            }
        }
        return out;
    }

    /** y = x W^T + b with W stored [out, in], as nn.Linear keeps it. */
    static double[][] linear(double[][] x, float[] weight, float[] bias, int outDim) {
        int in = x[0].length;
        double[][] y = new double[x.length][outDim];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < outDim; o++) {
                double sum = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++) {
                    sum += x[t][i] * weight[o * in + i];
                }
                y[t][o] = sum;
            }
        }
        return y;
    }

    static void add(double[][] h, double[][] delta) {
        for (int t = 0; t < h.length; t++) {
            for (int j = 0; j < h[t].length; j++) {
                h[t][j] += delta[t][j];
            }
        }
    }
}
