package dev.mondrian.runner.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a small but real Hugging Face tokenizer into a folder: GPT-2/Qwen-style byte-level BPE
 * (ids 0..255 are the 256 byte symbols, id = byte value), a few merges (" the", "é", the first
 * half of an emoji, the first two bytes of some CJK characters) so tokens hold whole words, whole
 * characters and parts of characters, and the ChatML special tokens. The vocabulary stays under
 * 300 so tiny random models can use it.
 */
public final class TinyTokenizerFiles {
    /** What was written: the folder, the vocabulary size, and the ids tests and tiny models need. */
    public record Fixture(Path dir, int vocabSize, long endOfText, long imStart, long imEnd, long image) {
        /** What generation_config.json lists, as Qwen2 instruct models do. */
        public Set<Long> eosIds() {
            return Set.of(imEnd, endOfText);
        }
    }

    /** Merges in priority order; each merged token gets the next id after the 256 bytes. */
    static final List<String> MERGES = List.of("Ġ t", "h e", "Ġt he", "i n", "Ġ a", "e r", "o n",
            "Ã ©", // é (C3 A9) as one token
            "ð Ł", // F0 9F: the first half of most emoji
            "ä ¸"); // E4 B8: the first two bytes of 世, 丁, 中...
    static final List<String> SPECIALS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>", "<image>");
    public static final long END_OF_TEXT = 256 + MERGES.size();
    public static final long IM_START = END_OF_TEXT + 1;
    public static final long IM_END = END_OF_TEXT + 2;
    public static final long IMAGE = END_OF_TEXT + 3;
    public static final int VOCAB_SIZE = (int) IMAGE + 1;

    /** Qwen2-Instruct's template: a default system turn, then ChatML. */
    public static final String CHATML_TEMPLATE = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
            + "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}"
            + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /** LLaVA-OneVision style: ChatML whose turns are lists of parts, each image part an {@code <image>} line. */
    public static final String VISION_TEMPLATE = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' }}"
            + "{% if message['content'] is string %}{{ message['content'] }}{% else %}"
            + "{% for part in message['content'] %}{% if part['type'] == 'image' %}{{ '<image>\\n' }}"
            + "{% elif part['type'] == 'text' %}{{ part['text'] }}{% endif %}{% endfor %}{% endif %}"
            + "{{ '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TinyTokenizerFiles() {}

    /** Writes tokenizer.json, tokenizer_config.json and generation_config.json into {@code dir}. */
    public static Fixture write(Path dir, boolean vision) throws IOException {
        return write(dir, vision, VOCAB_SIZE);
    }

    /**
     * The same tokenizer with its vocabulary padded to {@code vocabSize} by word-like tokens
     * (" AB", " AC"...) that no merge produces but that decode, so a random model of a real
     * model's vocabulary size can generate any id.
     */
    public static Fixture write(Path dir, boolean vision, int vocabSize) throws IOException {
        if (vocabSize < VOCAB_SIZE) {
            throw new IllegalArgumentException("vocabSize must be at least " + VOCAB_SIZE);
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("tokenizer.json"), JSON.writeValueAsString(tokenizerJson(vocabSize)));
        ObjectNode config = JSON.createObjectNode();
        config.put("bos_token", (String) null);
        config.putObject("eos_token").put("content", "<|im_end|>").put("special", true);
        config.put("pad_token", "<|endoftext|>");
        config.put("chat_template", vision ? VISION_TEMPLATE : CHATML_TEMPLATE);
        ObjectNode decoder = config.putObject("added_tokens_decoder");
        for (int i = 0; i < SPECIALS.size(); i++) {
            decoder.putObject(Long.toString(END_OF_TEXT + i)).put("content", SPECIALS.get(i)).put("special", true);
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), JSON.writeValueAsString(config));
        ObjectNode generation = JSON.createObjectNode();
        generation.putArray("eos_token_id").add(IM_END).add(END_OF_TEXT);
        Files.writeString(dir.resolve("generation_config.json"), JSON.writeValueAsString(generation));
        return new Fixture(dir, vocabSize, END_OF_TEXT, IM_START, IM_END, IMAGE);
    }

    private static ObjectNode tokenizerJson(int vocabSize) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < SPECIALS.size(); i++) {
            added.addObject().put("id", END_OF_TEXT + i).put("content", SPECIALS.get(i)).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
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
        for (int b = 0; b < 256; b++) {
            vocab.put(ByteLevelAlphabet.symbol(b), b);
        }
        ArrayNode merges = model.putArray("merges");
        for (int i = 0; i < MERGES.size(); i++) {
            merges.add(MERGES.get(i));
            vocab.put(MERGES.get(i).replace(" ", ""), 256 + i);
        }
        for (int i = 0; i < SPECIALS.size(); i++) {
            vocab.put(SPECIALS.get(i), END_OF_TEXT + i);
        }
        for (int id = VOCAB_SIZE; id < vocabSize; id++) {
            vocab.put(ByteLevelAlphabet.symbol(' ') + lettersFor(id - VOCAB_SIZE), id);
        }
        return root;
    }

    /** 0 → "AA", 1 → "AB"...: distinct capital words (no merge makes capitals), two letters at least so none is a byte token. */
    private static String lettersFor(int n) {
        StringBuilder word = new StringBuilder();
        int rest = n;
        do {
            word.insert(0, (char) ('A' + rest % 26));
            rest /= 26;
        } while (rest > 0);
        while (word.length() < 2) {
            word.insert(0, 'A');
        }
        return word.toString();
    }

    private static ObjectNode byteLevel() {
        return JSON.createObjectNode().put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", true).put("use_regex", true);
    }
}
