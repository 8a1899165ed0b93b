package dev.mondrian.runner.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A model folder loaded once onto a device: its config, its weights, the decoder over them and, for
 * a vision-language model, its family's image path.
 */
public final class Model implements AutoCloseable {
    private final ModelConfig config;
    private final NDManager manager;
    private final TextDecoder decoder;
    private final ImageEncoder images;
    private final Weights weights;

    private Model(ModelConfig config, NDManager manager, Weights weights, TextDecoder decoder, ImageEncoder images) {
        this.weights = weights;
        this.images = images;
        this.config = config;
        this.manager = manager;
        this.decoder = decoder;
    }

    /**
     * @param device "cpu", "gpu" (the first CUDA device) or "auto" (a GPU when the CUDA natives and
     *               a GPU are both present)
     * @param contextLength tokens one sequence may hold; capped by the model's own limit
     */
    public static Model load(Path folder, String device, int contextLength) throws IOException {
        return load(folder, device, contextLength, WeightFormat.STORED);
    }

    /**
     * As {@link #load(Path, String, int)}, holding the decoder's matrices as {@code format} says. They are packed
     * (BF16 as stored, or INT8) only on a CPU with the decode kernel (the Vector API): GPUs compute in float16, and
     * without the kernel every product would widen them first.
     */
    public static Model load(Path folder, String device, int contextLength, WeightFormat format) throws IOException {
        ModelConfig config = ModelConfig.read(folder);
        Device target = device(device);
        // Half precision only where it is fast: CPU kernels for F16 matmul are slow, GPUs want it.
        DataType type = target.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
        NDManager manager = NDManager.newBaseManager(target);
        try {
            if (format == WeightFormat.INT8 && (target.isGpu() || !Projection.KERNEL || !VectorKernel.readsInt8())) {
                throw new IllegalArgumentException("--weights int8 needs a CPU with 256-bit vectors and the Java decode"
                        + " kernel (--add-modules jdk.incubator.vector); use stored or f32 here");
            }
            WeightFormat held = target.isGpu() || !Projection.KERNEL ? WeightFormat.F32 : format;
            Weights weights = Weights.load(folder, manager, type, config.family().renames(), held,
                    TextDecoder::packs);
            int context = Math.min(contextLength, config.text().maxPositions());
            TextDecoder decoder = new TextDecoder(config.text(), weights, manager, type, context);
            ImageEncoder images = config.vision().isPresent()
                    ? config.family().images(config, weights, type, folder) : null;
            return new Model(config, manager, weights, decoder, images);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    static Device device(String name) {
        return switch (name) {
            case "cpu" -> Device.cpu();
            case "gpu", "cuda" -> {
                if (Engine.getEngine("PyTorch").getGpuCount() == 0) {
                    throw new IllegalArgumentException("device gpu requested but PyTorch sees no CUDA GPU; build with -Pcuda on a GPU host");
                }
                yield Device.gpu();
            }
            case "auto" -> Engine.getEngine("PyTorch").getGpuCount() > 0 ? Device.gpu() : Device.cpu();
            default -> throw new IllegalArgumentException("device must be cpu, gpu or auto, got '" + name + "'");
        };
    }

    /**
     * Runs prompt ids (and the image whose tokens they hold, or null) through the model at the cache's
     * next slots: the image through its tower, its features in place of its tokens, RoPE positions as
     * the family counts them. Returns float32 logits as {@link TextDecoder#forward} does.
     */
    public NDArray forward(NDManager scope, long[] ids, PreparedImage image, KvCache cache, boolean allPositions) {
        return forward(scope, ids, image, cache, null, allPositions);
    }

    /** As {@link #forward(NDManager, long[], PreparedImage, KvCache, boolean)}, through {@code adapter} (or none: null). */
    public NDArray forward(NDManager scope, long[] ids, PreparedImage image, KvCache cache, Adapter adapter,
                           boolean allPositions) {
        if (image == null) {
            return decoder.forward(decoder.embed(scope, ids), positions(ids, null, cache.position()), List.of(), cache,
                    adapter, allPositions);
        }
        ImageFeatures features = images().orElseThrow(Model::blind).encode(scope, image);
        List<NDArray> addends = new ArrayList<>();
        for (NDArray level : features.deepstack()) {
            addends.add(splice(ids, level, run -> scope.zeros(new Shape(run.length, level.getShape().get(1)),
                    level.getDataType())));
        }
        return decoder.forward(embed(scope, ids, features.embeddings()), positions(ids, image, cache.position()),
                addends, cache, adapter, allPositions);
    }

    /**
     * One decode step for several sequences at once: {@code tokens[b]}, a text token, is the next
     * token of the sequence whose cache is {@code caches.get(b)}, through {@code adapters.get(b)} (null: the
     * base model alone). Returns float32 logits [batch, vocab]
     * as {@link TextDecoder#forwardBatch} does. A newcomer's prompt (with or without an image) is
     * prefilled on its own through {@link #forward} first; then it joins the batch.
     */
    public NDArray step(NDManager scope, long[] tokens, List<KvCache> caches, List<Adapter> adapters) {
        return decoder.forwardBatch(decoder.embed(scope, tokens), caches, adapters);
    }

    /**
     * RoPE positions of prompt ids starting at {@code start}: linear, or for a multimodal-RoPE decoder
     * spread over the image's token grid with the text after it going on from the image's largest + 1.
     */
    public PositionIds positions(long[] ids, PreparedImage image, int start) {
        if (!config.text().ropeScaling().multimodal()) {
            return PositionIds.linear(start, ids.length);
        }
        return PositionIds.multimodal(ids, config.imageTokenId(), image == null ? List.of() : List.of(image.tokenGrid()),
                start);
    }

    /** Input embeddings with already computed image features in place of the image tokens (training reads them). */
    public NDArray embed(NDManager scope, long[] ids, NDArray features) {
        return splice(ids, features, run -> decoder.embed(scope, run));
    }

    /** Runs of text tokens as {@code text} gives them, each run of image tokens as the next rows of {@code features}. */
    private NDArray splice(long[] ids, NDArray features, Function<long[], NDArray> text) {
        long imageToken = config.imageTokenId();
        int slots = (int) Arrays.stream(ids).filter(id -> id == imageToken).count();
        if (slots != features.getShape().get(0)) {
            throw new IllegalArgumentException("the prompt has " + slots + " image tokens; the image needs exactly "
                    + features.getShape().get(0));
        }
        NDList pieces = new NDList();
        int used = 0;
        for (int start = 0; start < ids.length; ) {
            boolean image = ids[start] == imageToken;
            int end = start;
            while (end < ids.length && (ids[end] == imageToken) == image) {
                end++;
            }
            if (image) {
                pieces.add(features.get("{}:{}", used, used + end - start));
                used += end - start;
            } else {
                pieces.add(text.apply(Arrays.copyOfRange(ids, start, end)));
            }
            start = end;
        }
        return NDArrays.concat(pieces, 0);
    }

    private static IllegalArgumentException blind() {
        return new IllegalArgumentException("this model has no vision tower, so it cannot look at an image");
    }

    /** The image path, when the model has one. */
    public Optional<ImageEncoder> images() {
        return Optional.ofNullable(images);
    }

    /** The loaded tensors; training makes them require gradients and updates them in place. */
    public Weights weights() {
        return weights;
    }

    public ModelConfig config() {
        return config;
    }

    public TextDecoder decoder() {
        return decoder;
    }

    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return manager.getDevice();
    }

    @Override
    public void close() {
        manager.close();
    }
}
