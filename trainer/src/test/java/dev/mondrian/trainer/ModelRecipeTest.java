package dev.mondrian.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.tokenizer.TinyTokenizerFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The starting weights: seeded, and shaped so that the vision tower can learn where things are and how sharp. */
class ModelRecipeTest {
    private static final ModelRecipe RECIPE = new ModelRecipe(32, 8, 24, 1, 2, 48, 32, 1, 2, 1, 64, 256);
    private static final int GRID = 4;

    @TempDir
    Path dir;

    private Model write(String name, long seed) throws Exception {
        Path folder = dir.resolve(name);
        TinyTokenizerFiles.write(folder, true);
        RECIPE.writeInitial(folder, TinyTokenizerFiles.VOCAB_SIZE, TinyTokenizerFiles.IMAGE, seed);
        return Model.load(folder, "cpu", 256);
    }

    @Test
    void theSeedDecidesTheWeights() throws Exception {
        write("a", 5).close();
        write("b", 5).close();
        write("c", 6).close();
        byte[] a = Files.readAllBytes(dir.resolve("a/model.safetensors"));
        assertThat(Files.readAllBytes(dir.resolve("b/model.safetensors"))).isEqualTo(a);
        assertThat(Files.readAllBytes(dir.resolve("c/model.safetensors"))).isNotEqualTo(a);
    }

    /** Every third filter ignores flat colour (its taps sum to zero on each channel); the others do not. */
    @Test
    void aThirdOfThePatchFiltersAreHighPass() throws Exception {
        try (Model model = write("m", 1)) {
            float[] w = model.weights().get("vision_tower.vision_model.embeddings.patch_embedding.weight").toFloatArray();
            int area = 8 * 8;
            for (int out = 0; out < 24; out++) {
                double sum = 0;
                double energy = 0;
                for (int i = 0; i < area; i++) {
                    sum += w[out * 3 * area + i];
                    energy += w[out * 3 * area + i] * w[out * 3 * area + i];
                }
                double dcShare = Math.abs(sum) / Math.sqrt(energy * area);
                if (out % 3 == 0) {
                    assertThat(dcShare).as("filter %d", out).isLessThan(1e-5);
                } else {
                    assertThat(energy).as("filter %d", out).isPositive();
                }
            }
        }
    }

    /** Patches in one column share the column half of their position; in one row, the row half; no two are alike. */
    @Test
    void positionsStartAsRowsAndColumns() throws Exception {
        try (Model model = write("m", 1)) {
            float[] p = model.weights().get("vision_tower.vision_model.embeddings.position_embedding.weight").toFloatArray();
            int hidden = 24;
            int half = hidden / 2;
            for (int a = 0; a < GRID * GRID; a++) {
                for (int b = a + 1; b < GRID * GRID; b++) {
                    boolean sameColumn = a % GRID == b % GRID;
                    boolean sameRow = a / GRID == b / GRID;
                    assertThat(equal(p, a * hidden, b * hidden, half)).isEqualTo(sameColumn);
                    assertThat(equal(p, a * hidden + half, b * hidden + half, half)).isEqualTo(sameRow);
                }
            }
        }
    }

    private static boolean equal(float[] values, int from, int other, int length) {
        for (int i = 0; i < length; i++) {
            if (Math.abs(values[from + i] - values[other + i]) > 1e-6) {
                return false;
            }
        }
        return true;
    }
}
