package dev.mondrian.trainer;

import dev.mondrian.trainer.data.TrainingExamples;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which advisor wrote a critique, from its words alone: a nearest-centroid classifier over word pairs
 * (cosine similarity of counts), its centroids taken from critiques the training data writes in each voice
 * about the same photos. How often it names the advisor a generated critique was asked of says how distinct
 * the voices are; the properties stated weigh little, since every advisor states them all.
 */
final class VoiceClassifier {
    /** Training photos per advisor: centroids settle well before this. */
    static final int EXAMPLES = 300;
    /** Far from the indices of the model's and the adapters' training, and from the held-out range. */
    private static final long FIRST = 2_000_000_000L;

    private final Map<String, Map<String, Double>> centroids = new LinkedHashMap<>();

    VoiceClassifier(List<String> advisorIds) {
        TrainingExamples examples = new TrainingExamples();
        for (String advisor : advisorIds) {
            Map<String, Double> sum = new HashMap<>();
            for (long i = 0; i < EXAMPLES; i++) {
                features(examples.example(FIRST + i, 16, advisor).critique()).forEach((k, v) -> sum.merge(k, v, Double::sum));
            }
            centroids.put(advisor, normalised(sum));
        }
    }

    /** The advisor whose centroid is nearest. */
    String classify(String critique) {
        Map<String, Double> x = normalised(features(critique));
        String best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, Map<String, Double>> centroid : centroids.entrySet()) {
            double score = 0;
            for (Map.Entry<String, Double> f : x.entrySet()) {
                score += f.getValue() * centroid.getValue().getOrDefault(f.getKey(), 0.0);
            }
            if (score > bestScore) {
                bestScore = score;
                best = centroid.getKey();
            }
        }
        return best;
    }

    private static Map<String, Double> features(String text) {
        String[] words = text.toLowerCase(Locale.ROOT).split("[^a-z']+");
        Map<String, Double> counts = new HashMap<>();
        for (int i = 1; i < words.length; i++) {
            counts.merge(words[i - 1] + " " + words[i], 1.0, Double::sum);
        }
        return counts;
    }

    private static Map<String, Double> normalised(Map<String, Double> counts) {
        double norm = Math.sqrt(counts.values().stream().mapToDouble(v -> v * v).sum());
        Map<String, Double> unit = new HashMap<>();
        counts.forEach((k, v) -> unit.put(k, norm == 0 ? 0 : v / norm));
        return unit;
    }
}
