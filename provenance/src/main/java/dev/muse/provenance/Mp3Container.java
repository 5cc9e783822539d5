package dev.muse.provenance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An MP3 keeps its manifest store in a GEOB frame (MIME type application/c2pa) of the ID3v2 tag before the audio, as
 * c2pa-rs writes it: one is made (ID3v2.4) when the file has none. Only the store's own bytes are left out of the data
 * hash; the tag's and the frame's headers are covered.
 */
final class Mp3Container implements Container {
    private static final String MIME = "application/c2pa", OLD_MIME = "application/x-c2pa-manifest-store";
    private static final byte[] GEOB_PREFIX = ("\u0003" + MIME + "\0c2pa\0c2pa manifest store\0").getBytes(StandardCharsets.UTF_8);

    static boolean is(byte[] media) {
        if (media.length >= 10 && media[0] == 'I' && media[1] == 'D' && media[2] == '3') return true;
        return media.length >= 4 && (media[0] & 0xff) == 0xFF && (media[1] & 0xE0) == 0xE0 && (media[1] & 0x06) != 0; // an MPEG audio frame (layer set)
    }

    @Override public String mediaType() { return "audio/mpeg"; }

    /** The ID3v2 tag at the start: its version, where its frames end, where the audio starts; null without one. */
    private record Tag(int version, int framesEnd, int end) {}

    private static Tag tag(byte[] media) {
        if (!(media.length >= 10 && media[0] == 'I' && media[1] == 'D' && media[2] == '3')) return null;
        int version = media[3], flags = media[5] & 0xff;
        if (version != 3 && version != 4) throw new IllegalArgumentException("an ID3v2." + version + " tag: only 2.3 and 2.4 are read");
        if ((flags & 0xC0) != 0) throw new IllegalArgumentException("an ID3v2 tag with unsynchronisation or an extended header is not read");
        long size = syncsafe(media, 6) + ((flags & 0x10) != 0 ? 10 : 0);
        if (size > media.length - 10L) throw new IllegalArgumentException("the ID3v2 tag claims " + size + " bytes past the end");
        int end = 10 + (int) size, p = 10;
        while (p + 10 <= end && media[p] != 0) p = frameEnd(media, p, version, end);
        return new Tag(version, p, end);
    }

    @Override public byte[] strip(byte[] media) {
        Tag tag = tag(media);
        if (tag == null) return media.clone();
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int p = 10; p < tag.framesEnd(); ) {
            int next = frameEnd(media, p, tag.version(), tag.framesEnd());
            if (!isStoreFrame(media, p, next)) frames.write(media, p, next - p);
            p = next;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(media.length);
        if (frames.size() > 0) out.writeBytes(header(tag.version(), frames.size()));
        out.writeBytes(frames.toByteArray());
        out.write(media, tag.end(), media.length - tag.end());
        return out.toByteArray();
    }

    @Override public byte[] embed(byte[] stripped, byte[] jumbf) {
        Tag tag = tag(stripped);
        int version = tag == null ? 4 : tag.version();
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        if (tag != null) frames.write(stripped, 10, tag.framesEnd() - 10); // its padding is dropped
        int body = GEOB_PREFIX.length + jumbf.length;
        byte[] frameHeader = new byte[10];
        System.arraycopy("GEOB".getBytes(StandardCharsets.US_ASCII), 0, frameHeader, 0, 4);
        if (version == 4) putSyncsafe(frameHeader, 4, body);
        else Jumbf.putInt(frameHeader, 4, body);
        frames.writeBytes(frameHeader);
        frames.writeBytes(GEOB_PREFIX);
        frames.writeBytes(jumbf);
        ByteArrayOutputStream out = new ByteArrayOutputStream(stripped.length + body + 20);
        out.writeBytes(header(version, frames.size()));
        out.writeBytes(frames.toByteArray());
        int audio = tag == null ? 0 : tag.end();
        out.write(stripped, audio, stripped.length - audio);
        return out.toByteArray();
    }

    @Override public Span find(byte[] media) {
        Tag tag = tag(media);
        if (tag == null) return null;
        for (int p = 10; p < tag.framesEnd(); ) {
            int next = frameEnd(media, p, tag.version(), tag.framesEnd());
            if (isStoreFrame(media, p, next)) {
                int data = storeStart(media, p + 10, next);
                return new Span(data, next - data, java.util.Arrays.copyOfRange(media, data, next));
            }
            p = next;
        }
        return null;
    }

    private static boolean isStoreFrame(byte[] media, int p, int next) {
        if (!new String(media, p, 4, StandardCharsets.ISO_8859_1).equals("GEOB") || next - p < 12) return false;
        String mime = cString(media, p + 11, next);
        return mime.equals(MIME) || mime.equals(OLD_MIME);
    }

    /** Where a GEOB frame's object starts: after its encoding, MIME type, file name and description. */
    private static int storeStart(byte[] media, int body, int end) {
        boolean wide = media[body] == 1 || media[body] == 2; // UTF-16 strings end with two zero bytes
        int p = body + 1;
        p = skipString(media, p, end, false); // the MIME type is always Latin-1
        p = skipString(media, p, end, wide);
        return skipString(media, p, end, wide);
    }

    private static int skipString(byte[] media, int p, int end, boolean wide) {
        int step = wide ? 2 : 1;
        while (p + step <= end && !(media[p] == 0 && (!wide || media[p + 1] == 0))) p += step;
        if (p + step > end) throw new IllegalArgumentException("a GEOB frame's text runs past its end");
        return p + step;
    }

    private static String cString(byte[] media, int p, int end) {
        int q = p;
        while (q < end && media[q] != 0) q++;
        return new String(media, p, q - p, StandardCharsets.ISO_8859_1);
    }

    /** Where the frame at {@code p} ends, its size checked against the tag. */
    private static int frameEnd(byte[] media, int p, int version, int end) {
        if (end - p < 10) throw new IllegalArgumentException("an ID3 frame is cut off at byte " + p);
        long size = version == 4 ? syncsafe(media, p + 4) : Integer.toUnsignedLong(Jumbf.getInt(media, p + 4));
        if (size > end - p - 10L) throw new IllegalArgumentException("an ID3 frame at byte " + p + " claims " + size + " bytes past the tag's end");
        return p + 10 + (int) size;
    }

    private static byte[] header(int version, int size) {
        byte[] h = {'I', 'D', '3', (byte) version, 0, 0, 0, 0, 0, 0};
        putSyncsafe(h, 6, size);
        return h;
    }

    private static long syncsafe(byte[] b, int at) {
        return (long) (b[at] & 0x7f) << 21 | (b[at + 1] & 0x7f) << 14 | (b[at + 2] & 0x7f) << 7 | (b[at + 3] & 0x7f);
    }

    private static void putSyncsafe(byte[] b, int at, int v) {
        if (v >= 1 << 28) throw new IllegalArgumentException("an ID3 tag holds at most 256 MB");
        b[at] = (byte) (v >>> 21 & 0x7f);
        b[at + 1] = (byte) (v >>> 14 & 0x7f);
        b[at + 2] = (byte) (v >>> 7 & 0x7f);
        b[at + 3] = (byte) (v & 0x7f);
    }
}
