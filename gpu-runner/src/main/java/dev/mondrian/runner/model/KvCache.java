package dev.mondrian.runner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.foreign.MemorySegment;

/**
 * Keys and values of every layer for one sequence, allocated once at full context length and
 * written in place, so decoding allocates no cache memory per token.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int capacity;
    private int length;
    /** The RoPE position of the next token: the slot index, except after an image under multimodal RoPE. */
    private int position;
    private MemorySegment[] memory;

    KvCache(NDManager parent, TextConfig config, int capacity, DataType type) {
        this.manager = parent.newSubManager();
        this.capacity = capacity;
        keys = new NDArray[config.numLayers()];
        values = new NDArray[config.numLayers()];
        Shape shape = new Shape(config.numKvHeads(), capacity, config.headDim());
        for (int i = 0; i < keys.length; i++) {
            keys[i] = manager.zeros(shape, type);
            values[i] = manager.zeros(shape, type);
        }
    }

    /** Tokens already in the cache: the position of the next token. */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    /** The RoPE position the next token takes. */
    public int position() {
        return position;
    }

    /** Stores [seq, kvHeads, headDim] keys and values at positions start.., returns the cached [kvHeads, start+seq, headDim]. */
    NDArray[] store(int layer, int start, NDArray k, NDArray v) {
        int end = start + (int) k.getShape().get(0);
        NDIndex slot = new NDIndex(":, {}:{}, :", start, end);
        keys[layer].set(slot, k.transpose(1, 0, 2));
        values[layer].set(slot, v.transpose(1, 0, 2));
        NDIndex filled = new NDIndex(":, :{}, :", end);
        return new NDArray[] {keys[layer].get(filled), values[layer].get(filled)};
    }

    /**
     * Stores one decode token's keys and values [kvHeads, headDim] at the next slot; returns views of the
     * cache's first {@code tokens} slots [kvHeads, tokens, headDim] (slots past this sequence's own are
     * for the caller to mask), so sequences of a batch can be read as one padded tensor.
     */
    NDArray[] append(int layer, NDArray k, NDArray v, int tokens) {
        NDIndex slot = new NDIndex(":, {}, :", length);
        keys[layer].set(slot, k);
        values[layer].set(slot, v);
        NDIndex prefix = new NDIndex(":, :{}, :", tokens);
        return new NDArray[] {keys[layer].get(prefix), values[layer].get(prefix)};
    }

    /**
     * Layer {@code layer}'s keys (or, with {@code values}, values) [kvHeads, capacity, headDim] as memory to
     * read and write in place ({@link VectorDecodeStep}); null unless the cache is float32 in CPU memory.
     */
    MemorySegment memory(int layer, boolean values) {
        if (memory == null) {
            memory = new MemorySegment[2 * keys.length];
            for (int i = 0; i < keys.length; i++) {
                memory[2 * i] = VectorKernel.inPlace(keys[i]);
                memory[2 * i + 1] = VectorKernel.inPlace(this.values[i]);
            }
        }
        return memory[2 * layer + (values ? 1 : 0)];
    }

    void advance(int tokens, int nextPosition) {
        length += tokens;
        position = nextPosition;
    }

    @Override
    public void close() {
        manager.close();
    }
}
