package dev.muse.provenance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A RIFF file (WAV, WebP) keeps its manifest store in a 'C2PA' chunk at the end, the RIFF size counting it. */
record RiffContainer(String mediaType) implements Container {
    private static final String STORE_CHUNK = "C2PA";

    static boolean is(byte[] media) {
        return media.length >= 12 && ascii(media, 0).equals("RIFF") && (ascii(media, 8).equals("WAVE") || ascii(media, 8).equals("WEBP"));
    }

    static String mediaType(byte[] media) {
        return ascii(media, 8).equals("WAVE") ? "audio/wav" : "image/webp";
    }

    @Override public byte[] strip(byte[] media) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(media.length);
        out.write(media, 0, 12);
        for (int p = 12; p < end(media); ) {
            int next = next(media, p);
            if (!ascii(media, p).equals(STORE_CHUNK)) out.write(media, p, next - p);
            p = next;
        }
        return withSize(out.toByteArray());
    }

    @Override public byte[] embed(byte[] stripped, byte[] jumbf) {
        int end = end(stripped);
        ByteArrayOutputStream out = new ByteArrayOutputStream(end + jumbf.length + 9);
        out.write(stripped, 0, end);
        byte[] header = new byte[8];
        System.arraycopy(STORE_CHUNK.getBytes(StandardCharsets.US_ASCII), 0, header, 0, 4);
        putIntLe(header, 4, jumbf.length);
        out.writeBytes(header);
        out.writeBytes(jumbf);
        if ((jumbf.length & 1) != 0) out.write(0); // RIFF pads a chunk to an even length
        return withSize(out.toByteArray());
    }

    @Override public Span find(byte[] media) {
        for (int p = 12; p < end(media); ) {
            int next = next(media, p);
            if (ascii(media, p).equals(STORE_CHUNK)) {
                int size = getIntLe(media, p + 4);
                return new Span(p, 8 + size, java.util.Arrays.copyOfRange(media, p + 8, p + 8 + size)); // the pad byte stays hashed, as c2pa-rs has it
            }
            p = next;
        }
        return null;
    }

    /** Where the RIFF's chunks end: its declared size, or the file's end when that is shorter (a WAV streamed with an unknown length). */
    private static int end(byte[] media) {
        long declared = Integer.toUnsignedLong(getIntLe(media, 4)) + 8;
        return (int) Math.min(declared, media.length);
    }

    private static int next(byte[] media, int p) {
        int end = end(media);
        if (end - p < 8) throw new IllegalArgumentException("a RIFF chunk is cut off at byte " + p);
        long size = Integer.toUnsignedLong(getIntLe(media, p + 4));
        long next = p + 8 + size + (size & 1);
        if (p + 8 + size > end) throw new IllegalArgumentException("a RIFF chunk at byte " + p + " claims " + size + " bytes past the end");
        return (int) Math.min(next, end);
    }

    private static byte[] withSize(byte[] riff) {
        putIntLe(riff, 4, riff.length - 8);
        return riff;
    }

    private static String ascii(byte[] b, int at) {
        return new String(b, at, 4, StandardCharsets.ISO_8859_1);
    }

    private static int getIntLe(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    private static void putIntLe(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }
}
