package dev.muse.provenance;

import java.io.ByteArrayOutputStream;

/**
 * A JPEG keeps its manifest store in APP11 segments (JPEG XT boxes: "JP", a box instance, a sequence number, then the
 * JUMBF in pieces, every piece after the first repeating the box's 8-byte header), placed after SOI and a JFIF APP0.
 */
final class JpegContainer implements Container {
    private static final int SOI = 0xD8, SOS = 0xDA, APP0 = 0xE0, APP11 = 0xEB;
    /** JUMBF bytes per segment, as c2pa-rs writes them: well inside a segment's 65,533. */
    private static final int PIECE = 64_000;
    private static final int INSTANCE = 0x0211;

    static boolean is(byte[] media) {
        return media.length >= 4 && (media[0] & 0xff) == 0xFF && (media[1] & 0xff) == SOI;
    }

    @Override public String mediaType() { return "image/jpeg"; }

    @Override public byte[] strip(byte[] media) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(media.length);
        out.write(media, 0, 2);
        int p = 2;
        while (p < media.length) {
            int marker = marker(media, p), next = next(media, p);
            if (!isStorePiece(media, p)) out.write(media, p, next - p);
            p = next;
            if (marker == SOS) break;
        }
        out.write(media, p, media.length - p); // the entropy-coded data and what follows
        return out.toByteArray();
    }

    @Override public byte[] embed(byte[] stripped, byte[] jumbf) {
        int at = 2;
        if (marker(stripped, at) == APP0) at = next(stripped, at); // JFIF must stay first
        ByteArrayOutputStream out = new ByteArrayOutputStream(stripped.length + jumbf.length + 64);
        out.write(stripped, 0, at);
        int sequence = 1;
        for (int from = 0; from < jumbf.length; from += PIECE, sequence++) {
            int length = Math.min(PIECE, jumbf.length - from);
            int repeat = from == 0 ? 0 : 8;
            int segment = 2 + 8 + repeat + length;
            out.write(0xFF);
            out.write(APP11);
            out.write(segment >>> 8);
            out.write(segment);
            out.write('J');
            out.write('P');
            out.write(INSTANCE >>> 8);
            out.write(INSTANCE & 0xff);
            byte[] z = new byte[4];
            Jumbf.putInt(z, 0, sequence);
            out.writeBytes(z);
            if (repeat > 0) out.write(jumbf, 0, 8);
            out.write(jumbf, from, length);
        }
        out.write(stripped, at, stripped.length - at);
        return out.toByteArray();
    }

    @Override public Span find(byte[] media) {
        int p = 2, start = -1, end = -1;
        ByteArrayOutputStream store = new ByteArrayOutputStream();
        while (p < media.length) {
            int marker = marker(media, p), next = next(media, p);
            if (isStorePiece(media, p)) {
                if (start < 0) start = p;
                else if (end != p) throw new IllegalArgumentException("the JPEG's manifest store is split by other segments");
                int skip = store.size() == 0 ? 4 + 8 : 4 + 8 + 8;
                if (next - p < skip) throw new IllegalArgumentException("a cut-off APP11 segment at byte " + p);
                store.write(media, p + skip, next - p - skip);
                end = next;
            }
            if (marker == SOS) break;
            p = next;
        }
        return start < 0 ? null : new Span(start, end - start, store.toByteArray());
    }

    /** Whether the segment at {@code p} is an APP11 JPEG XT box piece ("JP"). */
    private static boolean isStorePiece(byte[] media, int p) {
        return marker(media, p) == APP11 && next(media, p) - p >= 8 && media[p + 4] == 'J' && media[p + 5] == 'P';
    }

    private static int marker(byte[] media, int p) {
        if (media.length - p < 2 || (media[p] & 0xff) != 0xFF) throw new IllegalArgumentException("no JPEG marker at byte " + p);
        return media[p + 1] & 0xff;
    }

    /** Where the segment after the one at {@code p} starts, its length checked against the file. */
    private static int next(byte[] media, int p) {
        if (media.length - p < 4) throw new IllegalArgumentException("a JPEG segment is cut off at byte " + p);
        int length = (media[p + 2] & 0xff) << 8 | (media[p + 3] & 0xff);
        if (length < 2 || length > media.length - p - 2) throw new IllegalArgumentException("a JPEG segment at byte " + p + " claims " + length + " bytes past the end");
        return p + 2 + length;
    }
}
