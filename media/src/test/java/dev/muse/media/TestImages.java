package dev.muse.media;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Builds encoded images for tests: ImageIO output, hand-made PNG chunks, JPEG segments spliced in. */
final class TestImages {
    private TestImages() {
    }

    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] jpeg(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** A PNG made of the given chunks after the signature; each is (type, data) and gets its length and CRC. */
    static byte[] pngChunks(Object... typeAndData) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        for (int i = 0; i < typeAndData.length; i += 2) {
            byte[] type = ((String) typeAndData[i]).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] data = (byte[]) typeAndData[i + 1];
            out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
            CRC32 crc = new CRC32();
            crc.update(type);
            crc.update(data);
            out.writeBytes(type);
            out.writeBytes(data);
            out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        }
        return out.toByteArray();
    }

    static byte[] ihdr(long width, long height, int bitDepth, int colourType) {
        return ByteBuffer.allocate(13).putInt((int) width).putInt((int) height)
                .put((byte) bitDepth).put((byte) colourType).put((byte) 0).put((byte) 0).put((byte) 0).array();
    }

    static byte[] zlib(byte[] raw) {
        Deflater deflater = new Deflater(9);
        deflater.setInput(raw);
        deflater.finish();
        byte[] buffer = new byte[raw.length + 64];
        int n = deflater.deflate(buffer);
        deflater.end();
        return java.util.Arrays.copyOf(buffer, n);
    }

    /** {@code jpeg} with {@code segment} (marker and payload; the length is added) inserted at {@code offset}. */
    static byte[] insertSegment(byte[] jpeg, int offset, int marker, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, offset);
        out.write(0xFF);
        out.write(marker);
        int length = payload.length + 2;
        out.write(length >>> 8);
        out.write(length & 0xFF);
        out.writeBytes(payload);
        out.write(jpeg, offset, jpeg.length - offset);
        return out.toByteArray();
    }

    /** The offset just past the JFIF APP0 segment ImageIO writes after SOI. */
    static int afterApp0(byte[] jpeg) {
        if ((jpeg[2] & 0xFF) != 0xFF || (jpeg[3] & 0xFF) != 0xE0) {
            throw new IllegalStateException("expected APP0 after SOI");
        }
        return 4 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF));
    }

    /** {@code jpeg} without its APP0 segment, as cameras write them (SOI then APP1 Exif). */
    static byte[] withoutApp0(byte[] jpeg) {
        int end = afterApp0(jpeg);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(jpeg, end, jpeg.length - end);
        return out.toByteArray();
    }

    /** An APP1 Exif payload whose IFD0 holds a Make tag (pointing at its string) and the orientation tag. */
    static byte[] exifPayload(int orientation, boolean bigEndian) {
        ByteBuffer tiff = ByteBuffer.allocate(64).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        tiff.put(bigEndian ? (byte) 'M' : (byte) 'I').put(bigEndian ? (byte) 'M' : (byte) 'I').putShort((short) 42).putInt(8);
        tiff.putShort((short) 2);
        tiff.putShort((short) 0x010F).putShort((short) 2).putInt(6).putInt(38); // Make, ASCII, 6 bytes at 38
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0); // no IFD1
        tiff.put("Muse!\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return exif(java.util.Arrays.copyOf(tiff.array(), tiff.position()));
    }

    /** "Exif\0\0" followed by the given TIFF bytes. */
    static byte[] exif(byte[] tiff) {
        byte[] out = new byte[6 + tiff.length];
        System.arraycopy("Exif\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, out, 0, 6);
        System.arraycopy(tiff, 0, out, 6, tiff.length);
        return out;
    }
}
