package dev.muse.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the decoder refuses, and that it refuses it from the header, quickly, with a message a user can act on. */
class ImageRefusalTest {
    private final ImageDecoder decoder = new ImageDecoder();

    private MediaException refused(byte[] data, String... expectedWords) {
        MediaException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(MediaException.class, () -> decoder.decode(data)));
        for (String word : expectedWords) {
            assertTrue(e.getMessage().contains(word), "message '" + e.getMessage() + "' lacks '" + word + "'");
        }
        return e;
    }

    /** 60000 x 60000 RGB would be 10.8 GB of pixels; the file is under 100 bytes. */
    @Test
    void pngBombIsRefusedFromItsHeader() {
        byte[] bomb = TestImages.pngChunks("IHDR", TestImages.ihdr(60000, 60000, 8, 2),
                "IDAT", TestImages.zlib(new byte[60000 * 3 + 1]), "IEND", new byte[0]);
        assertTrue(bomb.length < 1000, "bomb is " + bomb.length + " bytes");
        refused(bomb, "60000x60000", "16384x16384");
        assertThrows(MediaException.class, () -> decoder.probe(bomb));
    }

    /** Within the per-side caps but 256 megapixels: the pixel cap refuses it. */
    @Test
    void pngOverThePixelCapIsRefused() {
        byte[] bomb = TestImages.pngChunks("IHDR", TestImages.ihdr(16000, 16000, 16, 6),
                "IDAT", TestImages.zlib(new byte[16000 * 8 + 1]), "IEND", new byte[0]);
        refused(bomb, "256.0 megapixels", "40.0 megapixels");
    }

    /** A real JPEG whose frame header is patched to claim 65000 x 65000. */
    @Test
    void jpegBombIsRefusedFromItsFrameHeader() {
        byte[] jpeg = TestImages.jpeg(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), 0.9f);
        int sof = indexOf(jpeg, 0xFF, 0xC0);
        jpeg[sof + 5] = (byte) 0xFD;
        jpeg[sof + 6] = (byte) 0xE8;
        jpeg[sof + 7] = (byte) 0xFD;
        jpeg[sof + 8] = (byte) 0xE8;
        ImageHeader header = ImageHeader.read(jpeg);
        assertEquals(65000, header.width());
        assertEquals(65000, header.height());
        refused(jpeg, "65000x65000");
    }

    /** A VP8X canvas of 2^24 x 2^24 pixels in 30 bytes. */
    @Test
    void webpBombIsRefusedFromItsCanvas() {
        ByteBuffer b = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(22).put("WEBPVP8X".getBytes()).putInt(10);
        b.put((byte) 0).put(new byte[3]).put(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF})
                .put(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        refused(b.array(), "16777216x16777216");
    }

    @Test
    void tighterLimitsApply() {
        byte[] png = Goldens.input("rgba_100x61.png");
        ImageDecoder small = new ImageDecoder(new ImageLimits(1 << 20, 64, 64, 4096));
        assertThrows(MediaException.class, () -> small.decode(png));
        ImageDecoder fewPixels = new ImageDecoder(new ImageLimits(1 << 20, 128, 128, 6000));
        assertTrue(assertThrows(MediaException.class, () -> fewPixels.decode(png)).getMessage().contains("megapixels"));
        ImageDecoder fewBytes = new ImageDecoder(new ImageLimits(1000, 16384, 16384, 1L << 30));
        assertTrue(assertThrows(MediaException.class, () -> fewBytes.decode(png)).getMessage().contains("MiB"));
        assertEquals(100, new ImageDecoder(new ImageLimits(1 << 20, 100, 61, 6100)).decode(png).width());
    }

    /** A 30 MiB file (sparse, nothing written) is refused from its size, before it is read. */
    @Test
    void oversizedFileIsRefusedBeforeReading(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("huge.png");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(30L << 20);
        }
        MediaException e = assertThrows(MediaException.class, () -> decoder.decode(big));
        assertTrue(e.getMessage().contains("30.0 MiB"), e.getMessage());
        Path ok = dir.resolve("ok.bin");
        Files.write(ok, Goldens.input("rgb_37x23.png"));
        assertEquals(37, decoder.decode(ok).width());
    }

    @Test
    void truncatedFilesAreRefused() {
        for (String name : new String[] {"rgb_37x23.png", "interlaced_37x23.png", "photo_192x128.jpg",
                "rgba_lossless_100x61.webp", "photo_lossy_96x64.webp", "rgba_lossy_100x61.webp"}) {
            byte[] whole = Goldens.input(name);
            for (int keep : new int[] {whole.length / 2, whole.length - 20, 30, 12}) {
                refused(Arrays.copyOf(whole, keep), "truncated");
            }
        }
    }

    @Test
    void unsupportedAndGarbageAreNamed() {
        refused(new byte[0], "empty");
        refused("GIF89a\1\0\1\0\0\0\0;".getBytes(), "GIF images are not supported", "PNG, JPEG or WebP");
        refused("BM\0\0\0\0\0\0\0\0\0\0".getBytes(), "BMP");
        refused(new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0}, "TIFF");
        refused(new byte[] {0, 0, 0, 0x1C, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c'}, "HEIF");
        refused("hello, this is not an image".getBytes(), "not an image");
        byte[] mangled = Goldens.input("rgb_37x23.png").clone();
        mangled[4] = '\n'; // CR LF turned into LF LF, as a text-mode transfer does
        refused(mangled, "signature");
        byte[] animated = Arrays.copyOf(Goldens.input("rgba_lossy_100x61.webp"), Goldens.input("rgba_lossy_100x61.webp").length);
        animated[20] |= 0x02; // VP8X animation flag
        refused(animated, "animated WebP");
    }

    @Test
    void zeroSizesAreRefused() {
        refused(TestImages.pngChunks("IHDR", TestImages.ihdr(0, 10, 8, 2), "IEND", new byte[0]), "width of 0");
        refused(TestImages.pngChunks("IHDR", TestImages.ihdr(10, 0, 8, 2), "IEND", new byte[0]), "height of 0");
        refused(TestImages.pngChunks("IHDR", TestImages.ihdr(0x80000000L, 10, 8, 2), "IEND", new byte[0]), "damaged");
        byte[] jpeg = TestImages.jpeg(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), 0.9f);
        int sof = indexOf(jpeg, 0xFF, 0xC0);
        byte[] noWidth = jpeg.clone();
        noWidth[sof + 7] = 0;
        noWidth[sof + 8] = 0;
        refused(noWidth, "width of 0");
        byte[] noHeight = jpeg.clone();
        noHeight[sof + 5] = 0;
        noHeight[sof + 6] = 0;
        refused(noHeight, "DNL");
    }

    @Test
    void damagedStructureIsRefused() {
        // PNG whose first chunk is not IHDR
        refused(TestImages.pngChunks("IDAT", new byte[13], "IEND", new byte[0]), "IHDR");
        // JPEG with a segment length running past the end
        byte[] jpeg = TestImages.jpeg(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), 0.9f);
        byte[] longSegment = jpeg.clone();
        longSegment[4] = (byte) 0xFF;
        longSegment[5] = (byte) 0xF0;
        refused(Arrays.copyOf(longSegment, 200), "truncated or damaged");
        // JPEG reaching its image data without a frame header
        refused(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDA, 0, 2}, "no frame header");
        // PNG with a valid header but garbage image data
        refused(TestImages.pngChunks("IHDR", TestImages.ihdr(8, 8, 8, 2), "IDAT", "garbage!".getBytes(), "IEND", new byte[0]),
                "damaged");
    }

    private static int indexOf(byte[] data, int a, int b) {
        for (int i = 0; i + 1 < data.length; i++) {
            if ((data[i] & 0xFF) == a && (data[i + 1] & 0xFF) == b) {
                return i;
            }
        }
        throw new AssertionError("marker not found");
    }
}
