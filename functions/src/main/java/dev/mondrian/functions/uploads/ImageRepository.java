package dev.mondrian.functions.uploads;

import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.springframework.stereotype.Component;

/** Named SQL over {@code images}. Images live in the database so every instance and runner reaches them. */
@Component
public class ImageRepository {
    private final Jdbi jdbi;

    public ImageRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** {@code storageKey}: the S3 object the image was uploaded to, or null. */
    public void insert(Handle h, String id, byte[] bytes, ImageInfo info, String storageKey, long now) {
        h.createUpdate("INSERT INTO images (id, content_type, width, height, size_bytes, bytes, storage_key, created_at) "
                        + "VALUES (:id, :type, :w, :h, :size, :bytes, :key, :now)")
                .bind("id", id).bind("type", info.contentType()).bind("w", info.width()).bind("h", info.height())
                .bind("size", bytes.length).bind("bytes", bytes).bind("key", storageKey).bind("now", now).execute();
    }

    public Optional<String> storageKey(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT storage_key FROM images WHERE id = :id AND storage_key IS NOT NULL")
                .bind("id", id).mapTo(String.class).findOne());
    }

    public Optional<StoredImage> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, content_type, width, height, bytes FROM images WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> new StoredImage(rs.getString("id"),
                        new ImageInfo(rs.getString("content_type"), rs.getInt("width"), rs.getInt("height")),
                        rs.getBytes("bytes")))
                .findOne());
    }

    public Optional<ImageInfo> info(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT content_type, width, height FROM images WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> new ImageInfo(rs.getString("content_type"), rs.getInt("width"), rs.getInt("height")))
                .findOne());
    }
}
