package dev.mondrian.functions.uploads;

import dev.mondrian.functions.MondrianProperties;
import dev.mondrian.functions.http.ApiException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Decides from the bytes alone (never the file name or the client's content type) whether an
 * upload is an image we accept, and reads its dimensions from the header without decoding the
 * pixels, so a decompression bomb is refused before anything allocates its raster.
 */
@Component
public class ImageInspector {
    private static final String SUPPORTED = "JPEG, PNG, GIF or BMP";
    /** Qwen-VL's processors refuse a longer side over 200 times the shorter, so no runner could look at it. */
    private static final int MAX_ASPECT_RATIO = 200;

    private final long maxBytes;
    private final long maxPixels;

    public ImageInspector(MondrianProperties properties) {
        this.maxBytes = properties.maxUploadSize().toBytes();
        this.maxPixels = properties.maxImagePixels();
    }

    public ImageInfo inspect(byte[] bytes) {
        if (bytes.length == 0) {
            throw ApiException.badRequest("image is empty");
        }
        if (bytes.length > maxBytes) {
            throw new ApiException(HttpStatus.CONTENT_TOO_LARGE,
                    "image is " + bytes.length + " bytes; the limit is " + maxBytes + " bytes");
        }
        String type = sniff(bytes);
        if (type == null) {
            throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "upload is not a " + SUPPORTED + " image");
        }
        ImageInfo info = readHeader(bytes, type);
        long pixels = (long) info.width() * info.height();
        if (pixels > maxPixels) {
            throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "image is " + info.width() + "x" + info.height()
                    + " pixels; the limit is " + maxPixels + " pixels");
        }
        if (Math.max(info.width(), info.height()) > (long) MAX_ASPECT_RATIO * Math.min(info.width(), info.height())) {
            throw ApiException.badRequest("image is " + info.width() + "x" + info.height() + " pixels; its longer side may be at most "
                    + MAX_ASPECT_RATIO + " times its shorter one, which vision models can take");
        }
        return info;
    }

    static String sniff(byte[] b) {
        if (startsWith(b, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (startsWith(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return "image/png";
        }
        if (startsWith(b, 'G', 'I', 'F', '8')) {
            return "image/gif";
        }
        if (startsWith(b, 'B', 'M')) {
            return "image/bmp";
        }
        return null;
    }

    private static boolean startsWith(byte[] b, int... magic) {
        if (b.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static ImageInfo readHeader(byte[] bytes, String type) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw unreadable(type);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width <= 0 || height <= 0) {
                    throw unreadable(type);
                }
                return new ImageInfo(type, width, height);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            throw unreadable(type);
        }
    }

    private static ApiException unreadable(String type) {
        return new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "upload starts like " + type
                + " but its header cannot be read; send a " + SUPPORTED + " image");
    }
}
