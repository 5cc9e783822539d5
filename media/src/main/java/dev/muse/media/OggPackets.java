package dev.muse.media;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;

/**
 * The packets of the first logical stream of an Ogg file (RFC 3533), read by hand: each page's CRC-32 is checked, a
 * damaged page is skipped (and the packet it was carrying dropped), and reading resumes at the next "OggS" capture
 * pattern, as players do. Packets are capped at {@value #MAX_PACKET} bytes (an Opus or Vorbis audio packet is a
 * few hundred), so a lying lacing table cannot grow one without bound.
 */
final class OggPackets {
    static final int MAX_PACKET = 1 << 20;
    private static final int[] CRC = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int k = 0; k < 8; k++) r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
            CRC[i] = r;
        }
    }

    private final byte[] b;
    private final ArrayDeque<byte[]> ready = new ArrayDeque<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private int position;
    private Integer serial;
    private boolean partialValid = true, ended;
    private int damagedPages;

    OggPackets(byte[] data) {
        this.b = data;
    }

    /** Pages skipped for a bad checksum or stray bytes. */
    int damagedPages() { return damagedPages; }

    /** The next packet, or null at the end of the stream. */
    byte[] next() {
        while (ready.isEmpty()) {
            if (ended || !page()) return null;
        }
        return ready.poll();
    }

    private boolean page() {
        while (true) {
            int p = find(position);
            if (p < 0 || p + 27 > b.length) return false;
            if (p != position) damagedPages++;
            int segments = b[p + 26] & 0xFF, header = 27 + segments;
            if (p + header > b.length) return false;
            int body = 0;
            for (int i = 0; i < segments; i++) body += b[p + 27 + i] & 0xFF;
            if (p + header + body > b.length) return false; // a cut-off last page
            if (b[p + 4] != 0 || crc(p, header + body) != le32(p + 22)) {
                damagedPages++;
                position = p + 1;
                partial.reset();
                partialValid = false;
                continue;
            }
            position = p + header + body;
            int type = b[p + 5] & 0xFF, pageSerial = le32(p + 14);
            if (serial == null) serial = pageSerial;
            if (pageSerial != serial) continue; // another logical stream (a multiplexed or chained file)
            boolean continued = (type & 1) != 0;
            boolean skipping = continued && !partialValid; // the rest of a packet whose start was lost
            if (!continued) partial.reset();
            int at = p + header;
            for (int i = 0; i < segments; i++) {
                int length = b[p + 27 + i] & 0xFF;
                if (!skipping) {
                    if (partial.size() + length > MAX_PACKET) throw new MediaException("the Ogg file holds a packet over " + (MAX_PACKET >> 20) + " MiB: it is damaged");
                    partial.write(b, at, length);
                }
                at += length;
                if (length < 255) { // the packet ends here
                    if (!skipping) ready.add(partial.toByteArray());
                    partial.reset();
                    skipping = false;
                }
            }
            partialValid = true;
            if ((type & 4) != 0) ended = true;
            return true;
        }
    }

    private int find(int from) {
        for (int i = from; i + 4 <= b.length; i++) if (b[i] == 'O' && b[i + 1] == 'g' && b[i + 2] == 'g' && b[i + 3] == 'S') return i;
        return -1;
    }

    private int crc(int p, int length) {
        return crc(b, p, length);
    }

    /** The CRC-32 of the Ogg page of {@code length} bytes at {@code p} (polynomial 0x04C11DB7, unreflected), its checksum field read as zeros. */
    static int crc(byte[] b, int p, int length) {
        int c = 0;
        for (int i = 0; i < length; i++) {
            int v = i >= 22 && i < 26 ? 0 : b[p + i] & 0xFF;
            c = (c << 8) ^ CRC[((c >>> 24) ^ v) & 0xFF];
        }
        return c;
    }

    private int le32(int o) {
        return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8 | (b[o + 2] & 0xFF) << 16 | (b[o + 3] & 0xFF) << 24;
    }
}
