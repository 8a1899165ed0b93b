package dev.mondrian.runner.service;

/** A job's generation statistics at one moment, as thinking updates and the completion report them. */
record Progress(int tokens, double tokensPerSecond, int promptTokens, long elapsedMs) {}
