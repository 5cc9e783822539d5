package dev.muse.media;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG, JPEG and WebP into an upright 8-bit RGB {@link Picture}, refusing what the
 * {@link ImageLimits} do not allow before any pixel memory is allocated.
 *
 * <p>The pixels follow llama.cpp's loader (stb_image with 3 channels) so a model sees what it would see
 * there: alpha dropped, grey replicated, 16-bit samples reduced to their high byte, palettes expanded, no
 * colour management. For PNG the bytes are identical to stb's. JPEG decoders differ legitimately in their
 * inverse DCT and chroma upsampling, so JPEG pixels are close to stb's, not equal (see docs/media.md). One
 * deliberate difference: the EXIF orientation of a JPEG is applied (see {@link ExifOrientation}).
 *
 * <p>Decoding uses the JDK's ImageIO readers, with the pure-Java TwelveMonkeys plugins for WebP (lossy and
 * lossless) and for JPEGs the JDK refuses (CMYK, YCCK, broken ICC profiles). Thread-safe: each call uses its
 * own reader.
 */
public final class ImageDecoder {
    private final ImageLimits limits;

    /** A decoder with {@link ImageLimits#DEFAULT}. */
    public ImageDecoder() {
        this(ImageLimits.DEFAULT);
    }

    public ImageDecoder(ImageLimits limits) {
        this.limits = limits;
    }

    public ImageLimits limits() {
        return limits;
    }

    /**
     * The header of {@code encoded}, checked against the limits; decodes nothing.
     *
     * @throws MediaException if the data is unsupported, damaged, or over a limit
     */
    public ImageHeader probe(byte[] encoded) {
        limits.checkEncodedSize(encoded.length);
        ImageHeader header = ImageHeader.read(encoded);
        limits.checkDimensions(header.width(), header.height());
        return header;
    }

    /**
     * Decodes an image file, refusing one larger than {@link ImageLimits#maxEncodedBytes} before reading it.
     *
     * @throws MediaException if the file is unsupported, damaged, or over a limit
     * @throws IOException    if the file cannot be read
     */
    public Picture decode(Path file) throws IOException {
        limits.checkEncodedSize(Files.size(file));
        return decode(Files.readAllBytes(file));
    }

    /**
     * Decodes an encoded PNG, JPEG or WebP image.
     *
     * @throws MediaException if the data is unsupported, truncated, damaged, or over a limit
     */
    public Picture decode(byte[] encoded) {
        ImageHeader header = probe(encoded);
        BufferedImage image = read(header, encoded);
        return header.orientation().apply(RasterToRgb.convert(image));
    }

    /**
     * The repainting mask an encoded picture gives: where it has transparency, its mostly transparent pixels (alpha
     * below 128) are repainted, as OpenAI's image edits read a mask; an opaque picture is read by lightness instead
     * ({@link Mask#fromLightness}), as diffusers and AUTOMATIC1111 read one.
     *
     * @throws MediaException as {@link #decode(byte[])}
     */
    public Mask decodeMask(byte[] encoded) {
        Editable e = decodeEditable(encoded);
        return e.transparent() != null ? e.transparent() : Mask.fromLightness(e.picture());
    }

    /** A picture to edit, and the mask its own transparent pixels make (null when it is opaque everywhere). */
    public record Editable(Picture picture, Mask transparent) {}

    /**
     * Decodes a picture to edit once, with the mask its transparency makes (alpha below 128 repainted): without a mask of
     * its own, such a picture is its own mask, as in OpenAI's image edits.
     *
     * @throws MediaException as {@link #decode(byte[])}
     */
    public Editable decodeEditable(byte[] encoded) {
        ImageHeader header = probe(encoded);
        BufferedImage image = read(header, encoded);
        Mask transparent = transparentPixels(image);
        Picture picture = header.orientation().apply(RasterToRgb.convert(image));
        return new Editable(picture, transparent == null ? null : Mask.fromLightness(header.orientation().apply(transparent.picture())));
    }

    /** The pixels with alpha below 128, or null when the picture has no alpha or every pixel is opaque. */
    private static Mask transparentPixels(BufferedImage image) {
        var alpha = image.getAlphaRaster();
        if (alpha == null) return null;
        int width = image.getWidth(), height = image.getHeight(), bits = alpha.getSampleModel().getSampleSize(0);
        boolean[] flags = new boolean[width * height];
        boolean any = false;
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            alpha.getSamples(0, y, width, 1, 0, row);
            for (int x = 0; x < width; x++) {
                int a = bits >= 8 ? row[x] >> (bits - 8) : row[x] * 255 / ((1 << bits) - 1); // to 8 bits
                if (a < 255) any = true;
                flags[y * width + x] = a < 128;
            }
        }
        return any ? new Mask(width, height, flags) : null;
    }

    private static BufferedImage read(ImageHeader header, byte[] encoded) {
        String format = header.format().displayName();
        ImageReader reader = readerFor(header.format());
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            // ignoreMetadata: we read what we need (size, orientation) ourselves, and skipping the rest keeps
            // the reader from allocating for text or profile chunks a hostile file inflates.
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener((IIOReadWarningListener) (source, warning) -> warnings.add(warning));
            // The reader parses the header again; if it sees a different size than we checked, trust neither.
            int width = reader.getWidth(0), height = reader.getHeight(0);
            if (width != header.width() || height != header.height()) {
                throw new MediaException("the " + format + " file is damaged: its headers disagree about its size ("
                        + header.width() + "x" + header.height() + " and " + width + "x" + height + ")");
            }
            BufferedImage image = reader.read(0, reader.getDefaultReadParam());
            for (String warning : warnings) {
                // libjpeg fills a truncated scan with grey and only warns ("Truncated File - Missing EOI
                // marker", "premature end of data segment"); a user should hear the file is cut short.
                String lower = warning.toLowerCase(java.util.Locale.ROOT);
                if (lower.contains("truncated") || lower.contains("premature end")) {
                    throw new MediaException("the " + format + " file is truncated: " + warning);
                }
            }
            if (image.getWidth() != width || image.getHeight() != height) {
                throw new MediaException("the " + format + " file is damaged: it decoded to "
                        + image.getWidth() + "x" + image.getHeight() + ", not " + width + "x" + height);
            }
            return image;
        } catch (MediaException e) {
            throw e;
        } catch (IIOException e) {
            throw new MediaException("the " + format + " file is truncated or damaged: " + message(e), e);
        } catch (IOException | RuntimeException e) {
            // Readers signal hostile input with whatever exception the bad byte provoked
            // (IndexOutOfBounds, IllegalArgument, EOF): one clear error for all of them.
            throw new MediaException("the " + format + " file is truncated or damaged: " + message(e), e);
        } finally {
            reader.dispose();
        }
    }

    private static ImageReader readerFor(ImageFormat format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName());
        if (!readers.hasNext()) {
            // ImageIO registers plugins once per class loader; a plugin jar added later needs a rescan.
            ImageIO.scanForPlugins();
            readers = ImageIO.getImageReadersByFormatName(format.imageIoName());
            if (!readers.hasNext()) {
                throw new MediaException("this Muse build has no " + format.displayName() + " decoder");
            }
        }
        return readers.next();
    }

    private static String message(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < 200; t = t.getCause()) {
            if (!text.isEmpty()) {
                text.append(": ");
            }
            text.append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
        }
        return text.toString();
    }
}
