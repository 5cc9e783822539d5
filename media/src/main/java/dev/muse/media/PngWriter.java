package dev.muse.media;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes pictures as PNG files with text chunks, the way image tools keep a generated picture's parameters in it (the
 * "parameters" key as AUTOMATIC1111 writes it): a tEXt chunk when the text is Latin-1, an uncompressed iTXt chunk (UTF-8)
 * otherwise, as Pillow chooses.
 */
public final class PngWriter {
    private PngWriter() {}

    private static final String FORMAT = "javax_imageio_png_1.0";

    /** The picture as an RGB BufferedImage, for the JDK's writers. */
    static BufferedImage image(Picture picture) {
        BufferedImage image = new BufferedImage(picture.width(), picture.height(), BufferedImage.TYPE_INT_RGB);
        byte[] rgb = picture.rgb();
        int[] pixels = new int[picture.width() * picture.height()];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (rgb[3 * i] & 0xFF) << 16 | (rgb[3 * i + 1] & 0xFF) << 8 | (rgb[3 * i + 2] & 0xFF);
        image.setRGB(0, 0, picture.width(), picture.height(), pixels, 0, picture.width());
        return image;
    }

    public static byte[] encode(Picture picture, Map<String, String> text) {
        BufferedImage image = image(picture);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), writer.getDefaultWriteParam());
            metadata.mergeTree(FORMAT, textChunks(text));
            writer.write(new IIOImage(image, null, metadata));
            out.flush();
            return bytes.toByteArray();
        } catch (IIOInvalidTreeException e) {
            throw new IllegalArgumentException("PNG text keys must be 1 to 79 Latin-1 characters: " + text.keySet(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    private static IIOMetadataNode textChunks(Map<String, String> text) {
        IIOMetadataNode root = new IIOMetadataNode(FORMAT), latin = new IIOMetadataNode("tEXt"), international = new IIOMetadataNode("iTXt");
        for (Map.Entry<String, String> e : text.entrySet()) {
            if (StandardCharsets.ISO_8859_1.newEncoder().canEncode(e.getValue())) {
                IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
                entry.setAttribute("keyword", e.getKey());
                entry.setAttribute("value", e.getValue());
                latin.appendChild(entry);
            } else {
                IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
                entry.setAttribute("keyword", e.getKey());
                entry.setAttribute("compressionFlag", "FALSE");
                entry.setAttribute("compressionMethod", "0");
                entry.setAttribute("languageTag", "");
                entry.setAttribute("translatedKeyword", "");
                entry.setAttribute("text", e.getValue());
                international.appendChild(entry);
            }
        }
        if (latin.hasChildNodes()) root.appendChild(latin);
        if (international.hasChildNodes()) root.appendChild(international);
        return root;
    }

    /** The text chunks of a PNG file (tEXt and iTXt), for reading parameters back. */
    public static Map<String, String> text(byte[] png) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        try (var in = ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(png))) {
            var readers = ImageIO.getImageReadersByFormatName("png");
            var reader = readers.next();
            try {
                reader.setInput(in);
                IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree(FORMAT);
                for (String chunk : new String[] {"tEXtEntry", "iTXtEntry"}) {
                    var entries = root.getElementsByTagName(chunk);
                    for (int i = 0; i < entries.getLength(); i++) {
                        IIOMetadataNode entry = (IIOMetadataNode) entries.item(i);
                        out.put(entry.getAttribute("keyword"), entry.getAttribute(chunk.equals("tEXtEntry") ? "value" : "text"));
                    }
                }
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
