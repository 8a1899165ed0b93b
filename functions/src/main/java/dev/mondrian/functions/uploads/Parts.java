package dev.mondrian.functions.uploads;

import dev.mondrian.functions.http.ApiException;
import java.io.IOException;
import org.springframework.web.multipart.MultipartFile;

/** Reading uploaded file parts the same way on every upload route. */
public final class Parts {
    private Parts() {}

    /** The bytes of a file part; null when none was sent (an empty part counts as none). */
    public static byte[] bytes(MultipartFile file) {
        if (file == null || file.isEmpty()) {
            return null;
        }
        try {
            return file.getBytes();
        } catch (IOException e) {
            throw ApiException.badRequest("the upload could not be read completely");
        }
    }
}
