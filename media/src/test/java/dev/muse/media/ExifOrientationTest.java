package dev.muse.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * EXIF orientation: JPEGs written by ImageIO with an APP1 Exif segment spliced in, decoded, and checked
 * quadrant by quadrant. The stored image is 64x32: red top-left, green top-right, blue bottom-left, white
 * bottom-right; each orientation must put those colours where a photo viewer would show them.
 */
class ExifOrientationTest {
    private static final int RED = 0xFF0000, GREEN = 0x00FF00, BLUE = 0x0000FF, WHITE = 0xFFFFFF;

    private static byte[] storedJpeg() {
        BufferedImage image = new BufferedImage(64, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, y < 16 ? (x < 32 ? RED : GREEN) : (x < 32 ? BLUE : WHITE));
            }
        }
        return TestImages.jpeg(image, 0.95f);
    }

    /**
     * Expected colours of the upright picture's quadrants: top-left, top-right, bottom-left, bottom-right.
     * Written out per tag from the EXIF definition (row 0 / column 0 of the stored image is the visual ...).
     */
    @ParameterizedTest(name = "orientation {0}, big-endian {5}, camera layout {6}")
    @CsvSource({
            "1, FF0000, 00FF00, 0000FF, FFFFFF, true, false",
            "2, 00FF00, FF0000, FFFFFF, 0000FF, false, false",
            "3, FFFFFF, 0000FF, 00FF00, FF0000, true, true",
            "4, 0000FF, FFFFFF, FF0000, 00FF00, false, true",
            "5, FF0000, 0000FF, 00FF00, FFFFFF, true, false",
            "6, 0000FF, FF0000, FFFFFF, 00FF00, false, false",
            "7, FFFFFF, 00FF00, 0000FF, FF0000, true, true",
            "8, 00FF00, FFFFFF, FF0000, 0000FF, false, true",
            "6, 0000FF, FF0000, FFFFFF, 00FF00, true, true",
            "8, 00FF00, FFFFFF, FF0000, 0000FF, false, false"})
    void everyOrientationLandsUpright(int tag, String topLeft, String topRight, String bottomLeft, String bottomRight,
                                      boolean bigEndian, boolean cameraLayout) {
        byte[] stored = storedJpeg();
        byte[] base = cameraLayout ? TestImages.withoutApp0(stored) : stored;
        int at = cameraLayout ? 2 : TestImages.afterApp0(stored);
        byte[] jpeg = TestImages.insertSegment(base, at, 0xE1, TestImages.exifPayload(tag, bigEndian));

        ImageHeader header = ImageHeader.read(jpeg);
        assertEquals(ExifOrientation.ofTag(tag), header.orientation());
        Picture upright = new ImageDecoder().decode(jpeg);
        boolean turned = tag >= 5;
        assertEquals(turned ? 32 : 64, upright.width());
        assertEquals(turned ? 64 : 32, upright.height());
        assertEquals(header.uprightSize(), upright.size());
        int w = upright.width(), h = upright.height();
        // sample the middle of each quadrant, away from the edges JPEG blurs
        assertColour(upright, w / 4, h / 4, topLeft, "top-left");
        assertColour(upright, 3 * w / 4, h / 4, topRight, "top-right");
        assertColour(upright, w / 4, 3 * h / 4, bottomLeft, "bottom-left");
        assertColour(upright, 3 * w / 4, 3 * h / 4, bottomRight, "bottom-right");
    }

    private static void assertColour(Picture p, int x, int y, String hex, String where) {
        int expected = Integer.parseInt(hex, 16);
        for (int c = 0; c < 3; c++) {
            int want = (expected >>> (16 - 8 * c)) & 0xFF;
            int got = p.sample(x, y, c);
            assertTrue(Math.abs(want - got) < 24, where + " channel " + c + ": expected " + want + ", got " + got);
        }
    }

    /** Every transform, on exact pixels, against a direct statement of where stored pixel (x, y) goes. */
    @Test
    void transformsMovePixelsWhereTheDefinitionSays() {
        int w = 5, h = 3;
        Picture stored = Picture.blank(w, h);
        for (int i = 0; i < w * h; i++) {
            stored.rgb()[i * 3] = (byte) i;
        }
        for (ExifOrientation o : ExifOrientation.values()) {
            Picture up = o.apply(stored);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    // where the stored pixel (x, y) appears in the upright picture
                    int[] d = switch (o.tag()) {
                        case 1 -> new int[] {x, y};
                        case 2 -> new int[] {w - 1 - x, y};
                        case 3 -> new int[] {w - 1 - x, h - 1 - y};
                        case 4 -> new int[] {x, h - 1 - y};
                        case 5 -> new int[] {y, x};
                        case 6 -> new int[] {h - 1 - y, x};
                        case 7 -> new int[] {h - 1 - y, w - 1 - x};
                        default -> new int[] {y, w - 1 - x};
                    };
                    assertEquals(y * w + x, up.sample(d[0], d[1], 0), o + " stored (" + x + "," + y + ")");
                }
            }
        }
    }

    @Test
    void malformedExifMeansNoOrientation() {
        byte[] jpeg = storedJpeg();
        int at = TestImages.afterApp0(jpeg);
        byte[][] hostile = {
                TestImages.exif(new byte[0]),                                                  // empty TIFF
                TestImages.exif(new byte[] {'I', 'I', 42, 0}),                                 // no IFD offset
                TestImages.exif(tiff(false, 0xFFFFFFF0L, 1, 0x0112, 3, 1, 6)),                // IFD far outside
                TestImages.exif(tiff(true, 8, 0xFFFF, 0x0112, 3, 1, 6)),                      // 65535 entries claimed
                TestImages.exif(tiff(false, 8, 1, 0x0112, 4, 1, 6)),                          // LONG, not SHORT
                TestImages.exif(tiff(true, 8, 1, 0x0112, 3, 2, 6)),                           // count 2
                TestImages.exif(tiff(false, 8, 1, 0x0112, 3, 1, 9)),                          // value 9
                TestImages.exif(tiff(true, 8, 1, 0x0112, 3, 1, 0)),                           // value 0
                TestImages.exif(new byte[] {'X', 'X', 42, 0, 8, 0, 0, 0}),                    // bad byte order
                TestImages.exif(new byte[] {'M', 'M', 0, 43, 0, 0, 0, 8}),                    // bad magic
        };
        for (byte[] payload : hostile) {
            byte[] file = TestImages.insertSegment(jpeg, at, 0xE1, payload);
            assertEquals(ExifOrientation.NORMAL, ImageHeader.read(file).orientation());
            assertEquals(64, new ImageDecoder().decode(file).width());
        }
        // A TIFF cut short right after a well-formed entry count: still no orientation, no exception.
        byte[] cut = java.util.Arrays.copyOf(TestImages.exifPayload(6, true), 6 + 8 + 2 + 5);
        assertEquals(ExifOrientation.NORMAL, ImageHeader.read(TestImages.insertSegment(jpeg, at, 0xE1, cut)).orientation());
    }

    /** Random bytes in the Exif segment never escape as anything but "no orientation" or a valid tag. */
    @Test
    void randomExifNeverThrows() {
        Random random = new Random(7);
        byte[] valid = TestImages.exifPayload(6, random.nextBoolean());
        for (int i = 0; i < 2000; i++) {
            byte[] payload = valid.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                payload[6 + random.nextInt(payload.length - 6)] = (byte) random.nextInt(256);
            }
            ExifOrientation o = ExifReader.orientation(payload, 6, random.nextInt(payload.length - 5));
            assertTrue(o.tag() >= 1 && o.tag() <= 8);
        }
    }

    @Test
    void firstExifSegmentWins() {
        byte[] jpeg = storedJpeg();
        int at = TestImages.afterApp0(jpeg);
        byte[] two = TestImages.insertSegment(TestImages.insertSegment(jpeg, at, 0xE1, TestImages.exifPayload(3, true)),
                at, 0xE1, TestImages.exifPayload(6, false));
        assertEquals(ExifOrientation.ROTATE_90_CW, ImageHeader.read(two).orientation());
    }

    /** A TIFF with one IFD0 entry. */
    private static byte[] tiff(boolean bigEndian, long ifdOffset, int entries, int tag, int type, int count, int value) {
        ByteBuffer b = ByteBuffer.allocate(26).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        b.put((byte) (bigEndian ? 'M' : 'I')).put((byte) (bigEndian ? 'M' : 'I')).putShort((short) 42).putInt((int) ifdOffset);
        b.putShort((short) entries).putShort((short) tag).putShort((short) type).putInt(count).putShort((short) value).putShort((short) 0);
        b.putInt(0);
        return b.array();
    }
}
