package dev.mondrian.runner.tokenizer;

import dev.mondrian.runner.tokenizer.ByteLevelBpe.Merge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;
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
    static final ByteLevelBpe BPE = new ByteLevelBpe(List.of(new Merge("Ġ", "t"), new Merge("h", "e"), new Merge("Ġt", "he"),
            new Merge("i", "n"), new Merge("Ġ", "a"), new Merge("e", "r"), new Merge("o", "n"),
            new Merge("Ã", "©"), // é (C3 A9) as one token
            new Merge("ð", "Ł"), // F0 9F: the first half of most emoji
            new Merge("ä", "¸")), // E4 B8: the first two bytes of 世, 丁, 中...
            TokenizerFiles.SPECIAL_TOKENS);
    public static final long END_OF_TEXT = BPE.specialTokenId(TokenizerFiles.END_OF_TEXT);
    public static final long IM_START = BPE.specialTokenId(TokenizerFiles.IM_START);
    public static final long IM_END = BPE.specialTokenId(TokenizerFiles.IM_END);
    public static final long IMAGE = BPE.specialTokenId(TokenizerFiles.IMAGE);
    public static final int VOCAB_SIZE = BPE.vocabSize();

    /** The same tokenizer with Qwen-VL's image markers as special tokens after ChatML's. */
    static final ByteLevelBpe QWEN_VL_BPE = new ByteLevelBpe(BPE.merges(), Stream.concat(
            TokenizerFiles.SPECIAL_TOKENS.stream(), Stream.of("<|vision_start|>", "<|vision_end|>", "<|image_pad|>")).toList());
    public static final long VISION_START = QWEN_VL_BPE.specialTokenId("<|vision_start|>");
    public static final long VISION_END = QWEN_VL_BPE.specialTokenId("<|vision_end|>");
    public static final long IMAGE_PAD = QWEN_VL_BPE.specialTokenId("<|image_pad|>");
    public static final int QWEN_VL_VOCAB_SIZE = QWEN_VL_BPE.vocabSize();

    /** Qwen2-VL's way of placing an image in a turn: its pad token between the vision markers. */
    public static final String QWEN_VL_TEMPLATE = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' }}"
            + "{% if message['content'] is string %}{{ message['content'] }}{% else %}"
            + "{% for part in message['content'] %}{% if part['type'] == 'image' %}{{ '<|vision_start|><|image_pad|><|vision_end|>' }}"
            + "{% elif part['type'] == 'text' %}{{ part['text'] }}{% endif %}{% endfor %}{% endif %}"
            + "{{ '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

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
        TokenizerFiles.write(dir, BPE, vision ? VISION_TEMPLATE : CHATML_TEMPLATE);
        if (vocabSize > VOCAB_SIZE) {
            padVocabulary(dir.resolve("tokenizer.json"), vocabSize);
        }
        return new Fixture(dir, vocabSize, END_OF_TEXT, IM_START, IM_END, IMAGE);
    }

    /** A Qwen-VL-style tokenizer: ChatML plus the vision markers, images as {@link #QWEN_VL_TEMPLATE} places them. */
    public static Fixture writeQwenVl(Path dir) throws IOException {
        TokenizerFiles.write(dir, QWEN_VL_BPE, QWEN_VL_TEMPLATE);
        return new Fixture(dir, QWEN_VL_VOCAB_SIZE, END_OF_TEXT, IM_START, IM_END, IMAGE_PAD);
    }

    private static void padVocabulary(Path tokenizerJson, int vocabSize) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(tokenizerJson.toFile());
        ObjectNode vocab = (ObjectNode) root.path("model").path("vocab");
        for (int id = VOCAB_SIZE; id < vocabSize; id++) {
            vocab.put(ByteLevelAlphabet.symbol(' ') + lettersFor(id - VOCAB_SIZE), id);
        }
        Files.writeString(tokenizerJson, JSON.writeValueAsString(root));
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
}
