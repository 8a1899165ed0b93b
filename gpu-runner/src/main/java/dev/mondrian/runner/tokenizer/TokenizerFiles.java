package dev.mondrian.runner.tokenizer;

import dev.mondrian.runner.tokenizer.ByteLevelBpe.Merge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a byte-level BPE as a Hugging Face tokenizer folder, ChatML style as Qwen2 does:
 * {@code tokenizer.json}, {@code tokenizer_config.json} (no bos token, {@code <|im_end|>} ends a
 * turn, {@code <|endoftext|>} pads) and {@code generation_config.json} (either ends generation).
 */
public final class TokenizerFiles {
    public static final String END_OF_TEXT = "<|endoftext|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    public static final String IMAGE = "<image>";
    /** The special tokens in the order their ids follow the merged tokens. */
    public static final List<String> SPECIAL_TOKENS = List.of(END_OF_TEXT, IM_START, IM_END, IMAGE);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TokenizerFiles() {}

    /**
     * Writes the three files into {@code dir} (made if missing).
     *
     * @throws IllegalArgumentException when {@code bpe}'s special tokens lack {@code <|endoftext|>}
     *     or {@code <|im_end|>}; nothing is written then
     */
    public static void write(Path dir, ByteLevelBpe bpe, String chatTemplate) throws IOException {
        ObjectNode tokenizer = tokenizerJson(bpe);
        ObjectNode config = tokenizerConfig(bpe, chatTemplate);
        ObjectNode generation = JSON.createObjectNode();
        generation.putArray("eos_token_id").add(bpe.specialTokenId(IM_END)).add(bpe.specialTokenId(END_OF_TEXT));
        Files.createDirectories(dir);
        write(dir.resolve("tokenizer.json"), tokenizer);
        write(dir.resolve("tokenizer_config.json"), config);
        write(dir.resolve("generation_config.json"), generation);
    }

    private static ObjectNode tokenizerJson(ByteLevelBpe bpe) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String special : bpe.specialTokens()) {
            added.add(addedToken(special).put("id", bpe.specialTokenId(special)));
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel());
        root.putNull("post_processor");
        root.set("decoder", byteLevel());
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        List<String> tokens = bpe.vocabulary();
        for (int id = 0; id < tokens.size(); id++) {
            vocab.put(tokens.get(id), id);
        }
        ArrayNode merges = model.putArray("merges");
        for (Merge merge : bpe.merges()) {
            // Byte-level tokens never hold a space (it is "Ġ"), so "left right" is unambiguous.
            merges.add(merge.left() + " " + merge.right());
        }
        return root;
    }

    private static ObjectNode tokenizerConfig(ByteLevelBpe bpe, String chatTemplate) {
        ObjectNode config = JSON.createObjectNode();
        // transformers' generic fast tokenizer reads tokenizer.json as it is.
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        config.put("bos_token", (String) null);
        // A plain string: transformers 5 refuses a special token given as an object without its "__type".
        config.put("eos_token", IM_END);
        config.put("pad_token", END_OF_TEXT);
        // Otherwise transformers may turn " ." into "." when decoding, and decode would not undo encode.
        config.put("clean_up_tokenization_spaces", false);
        config.put("chat_template", chatTemplate);
        ObjectNode decoder = config.putObject("added_tokens_decoder");
        for (String special : bpe.specialTokens()) {
            decoder.set(Long.toString(bpe.specialTokenId(special)), addedToken(special));
        }
        return config;
    }

    /** Matched whole in the raw text, spaces around it left to the text. */
    private static ObjectNode addedToken(String content) {
        return JSON.createObjectNode().put("content", content).put("single_word", false).put("lstrip", false)
                .put("rstrip", false).put("normalized", false).put("special", true);
    }

    private static ObjectNode byteLevel() {
        return JSON.createObjectNode().put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", true).put("use_regex", true);
    }

    private static void write(Path file, ObjectNode json) throws IOException {
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    }
}
