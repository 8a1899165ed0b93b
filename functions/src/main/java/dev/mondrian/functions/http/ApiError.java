package dev.mondrian.functions.http;

/** The body of every error response. */
public record ApiError(String error) {}
