package dev.mondrian.functions.uploads;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** An accepted upload as kept in {@code images}, under its generated id. */
public record StoredImage(String id, ImageInfo info, byte[] bytes) {
    /** The image as a route answers it: its bytes with their checked type, never sniffed as anything else. */
    public ResponseEntity<byte[]> response(CacheControl cache) {
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(info.contentType())).cacheControl(cache)
                .header("X-Content-Type-Options", "nosniff").body(bytes);
    }
}
