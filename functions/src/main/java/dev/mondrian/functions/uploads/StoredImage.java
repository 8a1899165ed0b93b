package dev.mondrian.functions.uploads;

/** An accepted upload as kept in {@code images}, under its generated id. */
public record StoredImage(String id, ImageInfo info, byte[] bytes) {}
