package dev.mondrian.runner.tokenizer;

import dev.mondrian.runner.chat.ChatTemplate;
import dev.mondrian.runner.chat.ChatTemplateException;
import dev.mondrian.runner.chat.ChatTemplateSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A model folder's tokenizer: {@code tokenizer.json} in Java where it is byte-level BPE ({@link ByteLevelCodec}: Qwen,
 * Llama 3, GPT-2 and SmolLM), else through DJL's Hugging Face tokenizer ({@link NativeCodec}); special tokens from
 * {@code tokenizer_config.json}.
 */
public final class ModelTokenizer implements AutoCloseable {
    private final Path folder;
    private final TextCodec codec;
    private final TokenVocabulary vocabulary;
    private final JsonNode config;
    private final Set<Long> eosIds;

    private ModelTokenizer(Path folder, TextCodec codec, TokenVocabulary vocabulary, JsonNode config,
                           Set<Long> eosIds) {
        this.folder = folder;
        this.codec = codec;
        this.vocabulary = vocabulary;
        this.config = config;
        this.eosIds = eosIds;
    }

    public static ModelTokenizer load(Path folder) throws IOException {
        Path file = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new IOException(folder + " has no tokenizer.json");
        }
        TokenVocabulary vocabulary = TokenVocabulary.load(folder);
        Optional<ByteLevelCodec> inJava = ByteLevelCodec.load(file, vocabulary);
        TextCodec codec = inJava.isPresent() ? inJava.get() : new NativeCodec(file);
        JsonMapper json = JsonMapper.builder().build();
        Path configFile = folder.resolve("tokenizer_config.json");
        JsonNode config = Files.isRegularFile(configFile) ? json.readTree(configFile.toFile()) : json.createObjectNode();
        ModelTokenizer model = new ModelTokenizer(folder, codec, vocabulary, config, new HashSet<>());
        model.eosIds.addAll(eosIdsFrom(json, folder));
        model.tokenId(model.eosToken()).ifPresent(model.eosIds::add);
        return model;
    }

    public long[] encode(String text) {
        return codec.encode(text);
    }

    public String decode(long[] ids) {
        return codec.decode(ids);
    }

    /** The id of a token written as the vocabulary spells it, e.g. a special token such as {@code <|im_end|>}. */
    public OptionalLong tokenId(String token) {
        return vocabulary.id(token);
    }

    /** Highest token id plus one (special tokens included). */
    public int vocabSize() {
        return vocabulary.size();
    }

    public IncrementalDecoder incrementalDecoder() {
        return new IncrementalDecoder(this::decode);
    }

    public Set<Long> eosTokenIds() {
        return Set.copyOf(eosIds);
    }

    public String eosToken() {
        return token("eos_token");
    }

    public String bosToken() {
        return token("bos_token");
    }

    public ChatTemplate chatTemplate() {
        String source = ChatTemplateSource.find(folder).orElseThrow(() -> new ChatTemplateException(
                folder + " has no chat template (chat_template.jinja, chat_template.json or tokenizer_config.json's chat_template)"));
        return new ChatTemplate(source, bosToken(), eosToken());
    }

    private String token(String field) {
        JsonNode node = config.get(field);
        if (node == null || node.isNull()) {
            return "";
        }
        return node.isObject() ? node.path("content").asString("") : node.asString();
    }

    private static Set<Long> eosIdsFrom(JsonMapper json, Path folder) throws IOException {
        Set<Long> ids = new HashSet<>();
        for (String name : new String[] {"generation_config.json", "config.json"}) {
            Path file = folder.resolve(name);
            if (Files.isRegularFile(file)) {
                JsonNode node = json.readTree(file.toFile());
                JsonNode eos = node.has("eos_token_id") ? node.get("eos_token_id") : node.path("text_config").get("eos_token_id");
                if (eos != null && eos.isArray()) {
                    eos.forEach(id -> ids.add(id.asLong()));
                } else if (eos != null && eos.isNumber()) {
                    ids.add(eos.asLong());
                }
            }
        }
        return ids;
    }

    @Override
    public void close() {
        codec.close();
    }
}
