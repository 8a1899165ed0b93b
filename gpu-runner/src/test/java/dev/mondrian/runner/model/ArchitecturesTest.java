package dev.mondrian.runner.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mondrian.runner.model.qwenvl.QwenVisionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry's choice of family, and config.json as transformers 4.x and 5.x lay it out. */
class ArchitecturesTest {
    private static final String VISION = """
            {"depth": 2, "hidden_size": 32, "intermediate_size": 64, "num_heads": 4, "out_hidden_size": 64,
             "patch_size": 16, "spatial_merge_size": 2, "temporal_patch_size": 2, "num_position_embeddings": 16,
             "deepstack_visual_indexes": [0], "hidden_act": "gelu_pytorch_tanh", "in_channels": 3}""";
    private static final String TEXT = """
            "vocab_size": 300, "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 2,
            "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 32, "rms_norm_eps": 1e-6,
            "max_position_embeddings": 4096, "hidden_act": "silu\"""";

    @TempDir
    Path dir;

    private ModelConfig read(String json) throws Exception {
        Files.writeString(dir.resolve("config.json"), json);
        return ModelConfig.read(dir);
    }

    @Test
    void anUnsupportedArchitectureIsNamedWithEverySupportedOne() {
        assertThatThrownBy(() -> read("{\"architectures\": [\"Gemma3ForConditionalGeneration\"], \"model_type\": \"gemma3\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("architecture Gemma3ForConditionalGeneration is not supported")
                .hasMessageContaining("Qwen3VLForConditionalGeneration")
                .hasMessageContaining("Qwen2_5_VLForConditionalGeneration")
                .hasMessageContaining("LlavaForConditionalGeneration")
                .hasMessageContaining("Qwen3ForCausalLM");
        assertThatThrownBy(() -> read("{\"model_type\": \"gemma3\"}"))
                .hasMessageContaining("of model_type 'gemma3' is not supported");
    }

    @Test
    void qwen3VlReadsTheSameFromRopeScalingAndFromRopeParameters() throws Exception {
        ModelConfig old = read("""
                {"architectures": ["Qwen3VLForConditionalGeneration"], "model_type": "qwen3_vl", "image_token_id": 290,
                 "tie_word_embeddings": true,
                 "text_config": {"model_type": "qwen3_vl_text", %s, "rope_theta": 5000000,
                   "rope_scaling": {"rope_type": "default", "mrope_section": [6, 5, 5], "mrope_interleaved": true}},
                 "vision_config": %s}""".formatted(TEXT, VISION));
        ModelConfig current = read("""
                {"architectures": ["Qwen3VLForConditionalGeneration"], "model_type": "qwen3_vl", "image_token_id": 290,
                 "tie_word_embeddings": true,
                 "text_config": {"model_type": "qwen3_vl_text", %s,
                   "rope_parameters": {"rope_type": "default", "rope_theta": 5000000, "mrope_section": [6, 5, 5],
                                       "mrope_interleaved": true}},
                 "vision_config": %s}""".formatted(TEXT, VISION));
        for (ModelConfig config : new ModelConfig[] {old, current}) {
            TextConfig text = config.text();
            assertThat(text.qkNorm()).isTrue();
            assertThat(text.attentionBias()).isFalse();
            assertThat(text.headDim()).isEqualTo(32);
            assertThat(text.ropeTheta()).isEqualTo(5_000_000);
            assertThat(text.ropeScaling().mropeSection()).containsExactly(6, 5, 5);
            assertThat(text.ropeScaling().mropeInterleaved()).isTrue();
            assertThat(text.tieWordEmbeddings()).isTrue();
            assertThat(config.imageTokenId()).isEqualTo(290);
            QwenVisionConfig vision = config.vision(QwenVisionConfig.class);
            assertThat(vision.generation()).isEqualTo(QwenVisionConfig.Generation.QWEN3_VL);
            assertThat(vision.deepstackLayers()).containsExactly(0);
        }
    }

    @Test
    void qwen2VlFlatConfigOfTransformers4() throws Exception {
        ModelConfig config = read("""
                {"architectures": ["Qwen2VLForConditionalGeneration"], "model_type": "qwen2_vl", "image_token_id": 291,
                 %s, "rope_theta": 1000000, "rope_scaling": {"type": "mrope", "mrope_section": [4, 6, 6]},
                 "vision_config": {"depth": 2, "embed_dim": 32, "mlp_ratio": 4, "num_heads": 4, "hidden_size": 64,
                   "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2, "in_chans": 3}}"""
                .formatted(TEXT.replace("\"model_type\"", "\"unused\"")));
        assertThat(config.text().attentionBias()).isTrue();
        assertThat(config.text().outputBias()).isFalse();
        assertThat(config.text().qkNorm()).isFalse();
        assertThat(config.text().ropeScaling().mropeInterleaved()).isFalse();
        // Qwen2-VL's layout: the first 4 frequency pairs follow t, the next 6 h, the last 6 w.
        assertThat(new int[] {config.text().ropeScaling().axisOf(3), config.text().ropeScaling().axisOf(4),
                config.text().ropeScaling().axisOf(10)}).containsExactly(0, 1, 2);
        QwenVisionConfig vision = config.vision(QwenVisionConfig.class);
        assertThat(vision.hiddenSize()).isEqualTo(32);
        assertThat(vision.intermediateSize()).isEqualTo(128);
        assertThat(vision.outHiddenSize()).isEqualTo(64);
        assertThat(vision.hiddenAct()).isEqualTo("quick_gelu");
    }

    @Test
    void mropeSectionsMustCoverTheHead() {
        assertThatThrownBy(() -> read("""
                {"architectures": ["Qwen2VLForConditionalGeneration"], %s, "model_type": "qwen2_vl",
                 "image_token_id": 5, "rope_scaling": {"type": "mrope", "mrope_section": [4, 4, 4]},
                 "vision_config": {"depth": 1, "embed_dim": 32, "num_heads": 4, "hidden_size": 64}}"""
                .formatted(TEXT.replace("\"model_type\"", "\"unused\""))))
                .hasMessageContaining("mrope_section [4, 4, 4] must be three numbers adding up to head_dim/2 = 16");
    }
}
