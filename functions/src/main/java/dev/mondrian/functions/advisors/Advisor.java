package dev.mondrian.functions.advisors;

import java.util.List;

/**
 * A critique persona: who speaks, what they look at, and how they say it (used in the runner's prompt).
 *
 * @param adapter the name of the advisor's LoRA adapter, a folder under each runner's {@code --adapters}
 *                folder; null when the advisor is the base model with its persona prompt alone
 */
public record Advisor(String id, String name, String bio, List<String> focusAreas, String voice, String adapter) {
    public Advisor withAdapter(String other) {
        return new Advisor(id, name, bio, focusAreas, voice, other);
    }
}
