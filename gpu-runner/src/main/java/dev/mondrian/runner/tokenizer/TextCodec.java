package dev.mondrian.runner.tokenizer;

/** Text to token ids and back, as a model folder's {@code tokenizer.json} says. */
interface TextCodec extends AutoCloseable {
    /** The ids of {@code text}, special tokens in it included, none added around it. */
    long[] encode(String text);

    /** The text of {@code ids}, special tokens written out; broken characters as U+FFFD. */
    String decode(long[] ids);

    @Override
    void close();
}
