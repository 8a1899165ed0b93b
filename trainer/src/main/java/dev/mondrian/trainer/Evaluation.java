package dev.mondrian.trainer;

import dev.mondrian.progress.ProgressLine;
import dev.mondrian.runner.generation.GenerationRequest;
import dev.mondrian.runner.generation.GenerationStep;
import dev.mondrian.runner.generation.Generator;
import dev.mondrian.runner.generation.PromptEncoder;
import dev.mondrian.runner.generation.TokenStream;
import dev.mondrian.runner.model.Adapter;
import dev.mondrian.runner.model.Model;
import dev.mondrian.runner.persona.Advisor;
import dev.mondrian.runner.persona.AdvisorPrompt;
import dev.mondrian.runner.persona.Attachment;
import dev.mondrian.runner.sampling.SamplingParams;
import dev.mondrian.runner.tokenizer.ModelTokenizer;
import dev.mondrian.trainer.data.CritiqueReader;
import dev.mondrian.trainer.data.CritiqueWriter;
import dev.mondrian.trainer.data.PhotoProperties;
import dev.mondrian.trainer.data.Property;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Does the model describe <em>this</em> photo? Each photo is critiqued as the runner would ask for
 * it (greedy decoding), the properties the critique states are read back, and each is compared
 * with what the meter measures on the photo.
 */
public final class Evaluation {
    /**
     * Per property: how many critiques stated it at all, and, photo by photo in the order given, which properties
     * each critique stated correctly (so two scores of the same photos compare photo by photo:
     * {@link PairedComparison}); and in how many critiques a classifier on the words alone named the advisor asked.
     */
    public record Score(Map<Property, Integer> stated, List<Set<Property>> rightByPhoto,
                        Map<Property, Integer> correctAsDrawn, double tokensPerSecond, int voiceNamed) {
        /** How many photos were critiqued: one entry of {@code rightByPhoto} each. */
        public int photos() {
            return rightByPhoto.size();
        }

        public double voiceAccuracy() {
            return share(voiceNamed);
        }

        /** How many critiques stated the property as the meter reads it. */
        public int correct(Property property) {
            return (int) rightByPhoto.stream().filter(right -> right.contains(property)).count();
        }

        public double accuracy(Property property) {
            return share(correct(property));
        }

        /** Against the photos' properties as drawn, where the cases know them (drawn photos: horizon, placement). */
        public double accuracyAsDrawn(Property property) {
            return share(correctAsDrawn.getOrDefault(property, 0));
        }

        public double statedShare(Property property) {
            return share(stated.getOrDefault(property, 0));
        }

        private double share(int critiques) {
            return photos() == 0 ? 0 : (double) critiques / photos();
        }
    }

    /**
     * A photo and what the meter says of it, with who is asked and how; {@code drawn} holds the properties known
     * from how the photo was drawn (none for the renderer's held-out scenes).
     */
    public record Case(BufferedImage image, PhotoProperties measured, String advisorId, String request,
                       Map<Property, Enum<?>> drawn) {
        public Case(BufferedImage image, PhotoProperties measured, String advisorId, String request) {
            this(image, measured, advisorId, request, Map.of());
        }
    }

    private final Model model;
    private final ModelTokenizer tokenizer;
    private final PromptEncoder prompts;
    private final Map<String, Advisor> advisors;
    private final Map<String, Adapter> adapters;
    private final CritiqueReader reader = new CritiqueReader();
    private final VoiceClassifier voices;

    /** @param adapters each advisor's LoRA adapter, by advisor id; an advisor without one speaks through the base */
    public Evaluation(Model model, ModelTokenizer tokenizer, Map<String, Advisor> advisors,
                      Map<String, Adapter> adapters) {
        this(model, tokenizer, new PromptEncoder(model, tokenizer), advisors, adapters,
                new VoiceClassifier(CritiqueWriter.advisorIds()));
    }

    private Evaluation(Model model, ModelTokenizer tokenizer, PromptEncoder prompts, Map<String, Advisor> advisors,
                       Map<String, Adapter> adapters, VoiceClassifier voices) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.prompts = prompts;
        this.advisors = advisors;
        this.adapters = adapters;
        this.voices = voices;
    }

    /**
     * The same evaluation with every advisor speaking through the base model, sharing the voice classifier (whose
     * centroids take seconds to build).
     */
    public Evaluation withoutAdapters() {
        return new Evaluation(model, tokenizer, prompts, advisors, Map.of(), voices);
    }

    public String critique(Case photo, int maxTokens) {
        return generate(photo, maxTokens).text();
    }

    public Score score(List<Case> photos, int maxTokens) {
        Map<Property, Integer> statedCount = new EnumMap<>(Property.class);
        Map<Property, Integer> correctAsDrawn = new EnumMap<>(Property.class);
        List<Set<Property>> rightByPhoto = new ArrayList<>();
        double tps = 0;
        int voiceNamed = 0;
        try (ProgressLine progress = ProgressLine.start("evaluating", photos.size(), "photos")) {
            for (Case photo : photos) {
                Generated generated = generate(photo, maxTokens);
                tps += generated.tokensPerSecond();
                Map<Property, Enum<?>> stated = reader.read(generated.text());
                voiceNamed += voices.classify(generated.text()).equals(photo.advisorId()) ? 1 : 0;
                Set<Property> right = EnumSet.noneOf(Property.class);
                for (Property property : Property.values()) {
                    if (stated.containsKey(property)) {
                        statedCount.merge(property, 1, Integer::sum);
                    }
                    if (property.of(photo.measured()).equals(stated.get(property))) {
                        right.add(property);
                    }
                    if (photo.drawn().containsKey(property) && photo.drawn().get(property).equals(stated.get(property))) {
                        correctAsDrawn.merge(property, 1, Integer::sum);
                    }
                }
                rightByPhoto.add(right);
                progress.add(1);
            }
        }
        return new Score(statedCount, rightByPhoto, correctAsDrawn, photos.isEmpty() ? 0 : tps / photos.size(),
                voiceNamed);
    }

    private record Generated(String text, double tokensPerSecond) {}

    private Generated generate(Case photo, int maxTokens) {
        Advisor advisor = advisors.get(photo.advisorId());
        Attachment ref = new Attachment("image/png", photo.image().getWidth(), photo.image().getHeight());
        PromptEncoder.Encoded prompt = prompts.encode(AdvisorPrompt.messages(advisor, photo.request(), ref,
                prompts.seesImages()), photo.image());
        GenerationStep last = null;
        try (TokenStream stream = new Generator(model, tokenizer).stream(new GenerationRequest(prompt.ids(),
                prompt.image(), maxTokens, SamplingParams.GREEDY, List.of(), tokenizer.eosTokenIds(),
                adapters.get(photo.advisorId())))) {
            while (stream.hasNext()) {
                last = stream.next();
            }
            return new Generated(stream.text(), last == null ? 0 : last.generationTps());
        }
    }
}
