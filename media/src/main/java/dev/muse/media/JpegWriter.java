package dev.muse.media;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Writes pictures as baseline JPEG files (the JDK's encoder) at a quality from 0 to 100, with an optional comment (a COM
 * segment): where a generated picture keeps its parameters when it is not a PNG.
 */
public final class JpegWriter {
    private JpegWriter() {}

    public static byte[] encode(Picture picture, int quality, String comment) {
        if (quality < 0 || quality > 100) throw new IllegalArgumentException("JPEG quality is 0 to 100, not " + quality);
        BufferedImage image = PngWriter.image(picture);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (var bytes = new ByteArrayOutputStream(); var out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
            if (comment != null && !comment.isEmpty()) withComment(metadata, comment);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, metadata), param);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    /** Adds a COM marker segment (at most 65,533 bytes of text, as the segment's length field allows). */
    private static void withComment(IIOMetadata metadata, String comment) throws IIOInvalidTreeException {
        String format = "javax_imageio_jpeg_image_1.0";
        IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
        IIOMetadataNode com = new IIOMetadataNode("com");
        com.setAttribute("comment", comment.length() > 60_000 ? comment.substring(0, 60_000) : comment);
        ((IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0)).appendChild(com);
        metadata.setFromTree(format, root);
    }
}
