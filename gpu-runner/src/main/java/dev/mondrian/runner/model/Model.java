package dev.mondrian.runner.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.mondrian.runner.vision.VisionTower;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/** A model folder loaded once onto a device: its config, its weights and the decoder over them. */
public final class Model implements AutoCloseable {
    private final ModelConfig config;
    private final NDManager manager;
    private final TextDecoder decoder;
    private final VisionTower vision;
    private final Weights weights;

    private Model(ModelConfig config, NDManager manager, Weights weights, TextDecoder decoder, VisionTower vision) {
        this.weights = weights;
        this.vision = vision;
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
        ModelConfig config = ModelConfig.read(folder);
        Device target = device(device);
        // Half precision only where it is fast: CPU kernels for F16 matmul are slow, GPUs want it.
        DataType type = target.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
        NDManager manager = NDManager.newBaseManager(target);
        try {
            Weights weights = Weights.load(folder, manager, type);
            int context = Math.min(contextLength, config.text().maxPositions());
            TextDecoder decoder = new TextDecoder(config.text(), weights, manager, type, context);
            VisionTower vision = config.vision().isPresent() ? new VisionTower(config, weights, type) : null;
            return new Model(config, manager, weights, decoder, vision);
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
     * Input embeddings [seq, hidden] for prompt ids; with {@code pixels} (a preprocessed image)
     * the image features take the places of the image tokens.
     */
    public NDArray embed(NDManager scope, long[] ids, float[] pixels) {
        if (pixels == null) {
            return decoder.embed(scope, ids);
        }
        if (vision == null) {
            throw new IllegalArgumentException("this model has no vision tower, so it cannot look at an image");
        }
        return embed(scope, ids, vision.features(scope, pixels));
    }

    /** Input embeddings with already computed image features (training reads them for more than the decoder). */
    public NDArray embed(NDManager scope, long[] ids, NDArray features) {
        long imageToken = config.imageTokenIndex();
        int slots = (int) Arrays.stream(ids).filter(id -> id == imageToken).count();
        if (slots != vision.imageTokens()) {
            throw new IllegalArgumentException("the prompt has " + slots + " image tokens; this model needs exactly "
                    + vision.imageTokens() + " for one image");
        }
        // Runs of text tokens are embedded as they are; each run of image tokens takes the next feature rows.
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
                pieces.add(decoder.embed(scope, Arrays.copyOfRange(ids, start, end)));
            }
            start = end;
        }
        return NDArrays.concat(pieces, 0);
    }

    /** The vision tower, when the model has one. */
    public Optional<VisionTower> vision() {
        return Optional.ofNullable(vision);
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
