package dev.mondrian.functions.advisors;

import java.util.List;

/** A critique persona: who speaks, what they look at, and how they say it (used in the runner's prompt). */
public record Advisor(String id, String name, String bio, List<String> focusAreas, String voice) {}
