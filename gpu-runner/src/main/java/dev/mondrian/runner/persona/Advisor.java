package dev.mondrian.runner.persona;

import dev.mondrian.protocol.RunnerWire;
import java.util.List;

/**
 * A critique persona as the engine uses it: who speaks, what they look at, how they say it, and their LoRA
 * adapter (a folder name under the runner's {@code --adapters}; null for the base model alone).
 */
public record Advisor(String id, String name, String bio, List<String> focusAreas, String voice, String adapter) {
    public static Advisor of(RunnerWire.Advisor wire) {
        return new Advisor(wire.id(), wire.name(), wire.bio(), wire.focusAreas(), wire.voice(), wire.adapter());
    }
}
