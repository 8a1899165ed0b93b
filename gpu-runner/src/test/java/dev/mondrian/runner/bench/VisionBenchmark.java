package dev.mondrian.runner.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.mondrian.runner.generation.ProcessMemory;
import dev.mondrian.runner.model.ImageEncoder;
import dev.mondrian.runner.model.KvCache;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.model.PreparedImage;
import dev.mondrian.runner.model.SafeTensorsWriter.DType;
import dev.mondrian.runner.model.TinyQwenVl;
import dev.mondrian.runner.sampling.Sampler;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A vision-language model of a real size on random weights: load time, the vision tower's time on one
 * 1024×768 photo, the whole prefill (tower and decoder over the photo's tokens), decode speed after it,
 * and peak memory. Not a test; {@code ./mondrian bench vision} writes each model in one JVM and measures
 * it in another. Prints one Markdown table row on stdout; progress goes to stderr.
 */
public final class VisionBenchmark {
    private static final int TEXT = 16;
    private static final int DECODE = 32;

    /** The shapes benchmarked. */
    public enum Size {
        QWEN2_VL_2B(TinyQwenVl.qwen2Vl2B(), 14 * 14 * 4 * 4, 14 * 14 * 4 * 16384),
        QWEN3_VL_4B(TinyQwenVl.qwen3Vl4B(), 16 * 16 * 4 * 64, 16 * 16 * 4 * 16384);

        public final TinyQwenVl spec;
        /** The published processors' pixel limits. */
        final long minPixels;
        final long maxPixels;

        Size(TinyQwenVl spec, long minPixels, long maxPixels) {
            this.spec = spec;
            this.minPixels = minPixels;
            this.maxPixels = maxPixels;
        }
    }

    private VisionBenchmark() {}

    /** {@code write DIR SIZE DTYPE} makes the model folder; {@code run DIR SIZE} measures it in a fresh JVM. */
    public static void main(String[] args) throws Exception {
        if (args.length < 3 || !Set.of("write", "run").contains(args[0])) {
            System.err.println("usage: VisionBenchmark write DIR QWEN2_VL_2B|QWEN3_VL_4B F32|BF16 | run DIR SIZE");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        Size size = Size.valueOf(args[2]);
        if (args[0].equals("write")) {
            long start = System.nanoTime();
            size.spec.writeStreaming(dir, DType.valueOf(args[3]));
            // The published processors' limits, so the photo is sized as the real model would see it.
            Files.writeString(dir.resolve("preprocessor_config.json"), """
                    {"min_pixels": %d, "max_pixels": %d, "patch_size": %d, "temporal_patch_size": 2, "merge_size": 2,
                     "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}"""
                    .formatted(size.minPixels, size.maxPixels, size.spec.patchSize()));
            System.err.printf("wrote %s %s in %.1f s%n", size, args[3], (System.nanoTime() - start) / 1e9);
        } else {
            run(size, dir);
        }
    }

    private static void run(Size size, Path dir) throws Exception {
        long loadStart = System.nanoTime();
        try (Model model = Model.load(dir, EngineBenchmark.device(), 4096);
             NDManager scratch = model.manager().newSubManager()) {
            double load = seconds(loadStart);
            ImageEncoder images = model.images().orElseThrow();
            PreparedImage image = images.prepare(photo(), 4096);
            long[] ids = prompt(size.spec, image.tokens());

            long towerStart = System.nanoTime();
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                images.encode(scratch, image).embeddings().toFloatArray();
            }
            double tower = seconds(towerStart);

            try (KvCache cache = model.decoder().newCache()) {
                long prefillStart = System.nanoTime();
                float[] logits = forward(model, scratch, ids, image, cache);
                long next = Sampler.argmax(logits, logits.length);
                double prefill = seconds(prefillStart);
                long decodeStart = System.nanoTime();
                for (int i = 0; i < DECODE; i++) {
                    logits = forward(model, scratch, new long[] {next}, null, cache);
                    next = Sampler.argmax(logits, logits.length);
                }
                double decode = DECODE / seconds(decodeStart);
                System.out.printf("| %s | %.2f B | %.0f s | 1024×768 → %d×%d patches, %d tokens | %.1f s | %.1f s | %.2f | %.1f GB |%n",
                        size, size.spec.parameters() / 1e9, load, image.tokenGrid()[1] * 2, image.tokenGrid()[2] * 2,
                        image.tokens(), tower, prefill, decode, ProcessMemory.peakBytes() / 1e9);
            }
        }
    }

    private static float[] forward(Model model, NDManager scratch, long[] ids, PreparedImage image, KvCache cache) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray logits = model.forward(scratch, ids, image, cache, false);
            return logits.toFloatArray();
        }
    }

    /** Text, the image between its markers, more text: as the chat template lays out a photo with its question. */
    private static long[] prompt(TinyQwenVl spec, int imageTokens) {
        long[] words = new SplittableRandom(3).longs(TEXT, 300, 150000).toArray();
        long[] ids = new long[TEXT + imageTokens + 2];
        System.arraycopy(words, 0, ids, 0, TEXT / 2);
        ids[TEXT / 2] = spec.visionStart();
        Arrays.fill(ids, TEXT / 2 + 1, TEXT / 2 + 1 + imageTokens, spec.imageToken());
        ids[TEXT / 2 + 1 + imageTokens] = spec.visionEnd();
        System.arraycopy(words, TEXT / 2, ids, TEXT / 2 + 2 + imageTokens, TEXT / 2);
        return ids;
    }

    /** A 1024×768 picture with some structure in it (the values do not matter to the speed). */
    private static BufferedImage photo() {
        BufferedImage image = new BufferedImage(1024, 768, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        for (int y = 0; y < 768; y += 8) {
            g.setColor(new Color(y / 3, 90, 255 - y / 3));
            g.fillRect(0, y, 1024, 8);
        }
        g.setColor(Color.ORANGE);
        g.fillOval(600, 200, 180, 180);
        g.dispose();
        return image;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
