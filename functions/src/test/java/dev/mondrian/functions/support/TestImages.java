package dev.mondrian.functions.support;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Images the tests draw themselves. */
public final class TestImages {
    private TestImages() {}

    public static byte[] png(int width, int height) {
        return encode(draw(width, height), "png");
    }

    public static byte[] jpeg(int width, int height) {
        return encode(draw(width, height), "jpg");
    }

    /**
     * A valid small PNG whose header claims {@code width x height}: what a decompression bomb
     * looks like to a server that reads the header.
     */
    public static byte[] pngClaiming(int width, int height) {
        byte[] png = png(8, 8);
        ByteBuffer buffer = ByteBuffer.wrap(png);
        // Signature (8) + IHDR length (4) + "IHDR" (4), then width and height.
        buffer.putInt(16, width);
        buffer.putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 4 + 13);
        buffer.putInt(12 + 4 + 13, (int) crc.getValue());
        return png;
    }

    private static BufferedImage draw(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(30, 90, 160));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(240, 200, 40));
        g.fillOval(width / 3, height / 3, width / 3, height / 3);
        g.dispose();
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, format, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
