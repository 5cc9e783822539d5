package dev.muse.provenance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * JUMBF boxes (ISO/IEC 19566-5) as C2PA lays out a manifest store: a superbox ('jumb') opens with a description box
 * ('jumd': a type UUID, toggles, a label) and holds content boxes ('cbor', ...) and further superboxes. Writing builds
 * boxes from their parts; {@link #parse} reads them back with every length checked against the bytes there are.
 */
final class Jumbf {
    static final String STORE = "6332706100110010800000aa00389b71";      // "c2pa": the manifest store
    static final String MANIFEST = "63326d6100110010800000aa00389b71";   // "c2ma": one manifest
    static final String ASSERTIONS = "6332617300110010800000aa00389b71"; // "c2as": the assertion store
    static final String CLAIM = "6332636c00110010800000aa00389b71";      // "c2cl"
    static final String SIGNATURE = "6332637300110010800000aa00389b71";  // "c2cs"
    static final String CBOR = "63626f7200110010800000aa00389b71";       // a CBOR assertion
    private static final int REQUESTABLE_WITH_LABEL = 3;
    /** Superboxes nest store > manifest > assertion store > assertion; more than this is not a C2PA store. */
    private static final int MAX_DEPTH = 8;

    private Jumbf() {}

    /** A box of {@code type} around {@code payload}. */
    static byte[] box(String type, byte[] payload) {
        byte[] out = new byte[8 + payload.length];
        putInt(out, 0, out.length);
        System.arraycopy(type.getBytes(StandardCharsets.US_ASCII), 0, out, 4, 4);
        System.arraycopy(payload, 0, out, 8, payload.length);
        return out;
    }

    /** A superbox of type {@code uuid} labelled {@code label}, holding {@code boxes} in order. */
    static byte[] superbox(String uuid, String label, List<byte[]> boxes) {
        ByteArrayOutputStream description = new ByteArrayOutputStream();
        description.writeBytes(HexFormat.of().parseHex(uuid));
        description.write(REQUESTABLE_WITH_LABEL);
        description.writeBytes(label.getBytes(StandardCharsets.UTF_8));
        description.write(0);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(box("jumd", description.toByteArray()));
        for (byte[] b : boxes) body.writeBytes(b);
        return box("jumb", body.toByteArray());
    }

    /** A superbox of one CBOR assertion. */
    static byte[] cborAssertion(String label, byte[] cbor) {
        return superbox(CBOR, label, List.of(box("cbor", cbor)));
    }

    /**
     * A superbox read back: its type and label, the superboxes in it, its first content box's type and payload (null
     * when it has none), and the bytes after its own header (what a hashed URI to it covers).
     */
    record Superbox(String uuid, String label, List<Superbox> children, String contentType, byte[] content, byte[] body) {
        /** The child labelled {@code label}, or null. */
        Superbox child(String label) {
            for (Superbox c : children) if (c.label().equals(label)) return c;
            return null;
        }
    }

    /** Reads the superbox that fills {@code data}; malformed boxes are an IllegalArgumentException. */
    static Superbox parse(byte[] data) {
        int[] header = header(data, 0, data.length);
        if (header[1] != data.length || !type(data, 4).equals("jumb"))
            throw new IllegalArgumentException("the manifest store is not one JUMBF superbox");
        return superbox(data, 8, data.length, 0);
    }

    private static Superbox superbox(byte[] data, int from, int to, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("JUMBF superboxes nest deeper than " + MAX_DEPTH);
        int[] d = header(data, from, to);
        if (!type(data, from + 4).equals("jumd") || d[1] < 8 + 17) throw new IllegalArgumentException("a JUMBF superbox without its description box");
        int p = from + d[0];
        String uuid = HexFormat.of().formatHex(data, p, p + 16);
        int toggles = data[p + 16] & 0xff;
        String label = "";
        if ((toggles & 2) != 0) {
            int start = p + 17, end = start;
            while (end < from + d[1] && data[end] != 0) end++;
            if (end == from + d[1]) throw new IllegalArgumentException("a JUMBF label without its terminating zero");
            label = new String(data, start, end - start, StandardCharsets.UTF_8);
        }
        List<Superbox> children = new ArrayList<>();
        String contentType = null;
        byte[] content = null;
        for (int q = from + d[1]; q < to; ) {
            int[] h = header(data, q, to);
            String type = type(data, q + 4);
            if (type.equals("jumb")) children.add(superbox(data, q + h[0], q + h[1], depth + 1));
            else if (contentType == null) {
                contentType = type;
                content = java.util.Arrays.copyOfRange(data, q + h[0], q + h[1]);
            }
            q += h[1];
        }
        return new Superbox(uuid, label, List.copyOf(children), contentType, content, java.util.Arrays.copyOfRange(data, from, to));
    }

    /** {header length, box length} of the box at {@code at}, checked to end by {@code limit}. */
    private static int[] header(byte[] data, int at, int limit) {
        if (limit - at < 8) throw new IllegalArgumentException("a JUMBF box is cut off at byte " + at);
        long length = Integer.toUnsignedLong(getInt(data, at));
        int headerLength = 8;
        if (length == 1) { // the length is in the 64 bits after the type
            if (limit - at < 16) throw new IllegalArgumentException("a JUMBF box is cut off at byte " + at);
            length = ((long) getInt(data, at + 8) << 32) | Integer.toUnsignedLong(getInt(data, at + 12));
            headerLength = 16;
        } else if (length == 0) length = limit - at; // to the end
        if (length < headerLength || length > limit - at)
            throw new IllegalArgumentException("a JUMBF box at byte " + at + " claims " + length + " bytes; " + (limit - at) + " are there");
        return new int[] {headerLength, (int) length};
    }

    private static String type(byte[] data, int at) {
        return new String(data, at, 4, StandardCharsets.ISO_8859_1);
    }

    static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
