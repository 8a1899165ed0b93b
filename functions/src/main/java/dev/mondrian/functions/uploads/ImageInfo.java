package dev.mondrian.functions.uploads;

/** What the bytes of an accepted upload turned out to be. */
public record ImageInfo(String contentType, int width, int height) {}
