package dev.muse.provenance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** A PNG keeps its manifest store in a 'caBX' chunk, placed right after IHDR. */
final class PngContainer implements Container {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final String STORE_CHUNK = "caBX";

    static boolean is(byte[] media) {
        return media.length >= 8 && java.util.Arrays.equals(media, 0, 8, SIGNATURE, 0, 8);
    }

    @Override public String mediaType() { return "image/png"; }

    @Override public byte[] strip(byte[] media) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(media.length);
        out.write(media, 0, 8);
        for (int p = 8; p < media.length; ) {
            int next = next(media, p);
            if (!type(media, p).equals(STORE_CHUNK)) out.write(media, p, next - p);
            p = next;
        }
        return out.toByteArray();
    }

    @Override public byte[] embed(byte[] stripped, byte[] jumbf) {
        if (stripped.length < 8 + 12 || !type(stripped, 8).equals("IHDR")) throw new IllegalArgumentException("a PNG that does not start with IHDR");
        int afterHeader = next(stripped, 8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(stripped.length + jumbf.length + 12);
        out.write(stripped, 0, afterHeader);
        out.writeBytes(chunk(STORE_CHUNK, jumbf));
        out.write(stripped, afterHeader, stripped.length - afterHeader);
        return out.toByteArray();
    }

    @Override public Span find(byte[] media) {
        for (int p = 8; p < media.length; ) {
            int next = next(media, p);
            if (type(media, p).equals(STORE_CHUNK)) return new Span(p, next - p, java.util.Arrays.copyOfRange(media, p + 8, next - 4));
            p = next;
        }
        return null;
    }

    /** Where the chunk after the one at {@code p} starts, its length checked against the file. */
    private static int next(byte[] media, int p) {
        if (media.length - p < 12) throw new IllegalArgumentException("a PNG chunk is cut off at byte " + p);
        long length = Integer.toUnsignedLong(Jumbf.getInt(media, p));
        if (length > media.length - p - 12) throw new IllegalArgumentException("a PNG chunk at byte " + p + " claims " + length + " bytes past the end");
        return p + 12 + (int) length;
    }

    private static String type(byte[] media, int p) {
        return new String(media, p + 4, 4, StandardCharsets.ISO_8859_1);
    }

    private static byte[] chunk(String type, byte[] data) {
        byte[] out = new byte[12 + data.length];
        Jumbf.putInt(out, 0, data.length);
        System.arraycopy(type.getBytes(StandardCharsets.US_ASCII), 0, out, 4, 4);
        System.arraycopy(data, 0, out, 8, data.length);
        CRC32 crc = new CRC32();
        crc.update(out, 4, 4 + data.length);
        Jumbf.putInt(out, 8 + data.length, (int) crc.getValue());
        return out;
    }
}
