package dev.muse.media;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The AAC frames of an MP4/M4A file, read by hand: the first sound track ({@code hdlr} "soun") whose sample entry is
 * {@code mp4a}, its decoder configuration from {@code esds}, and its samples either from the sample tables of a plain
 * file ({@code stsz}, {@code stsc}, {@code stco}/{@code co64}) or from the fragments Safari's and Chromium's
 * MediaRecorder write ({@code moof}/{@code traf}/{@code tfhd}/{@code trun}, defaults from {@code trex}). Every box
 * and table is checked against its parent and the file before use; a file cut off mid-fragment keeps the samples
 * before the cut. (JAAD's own demuxer hangs on truncated files and reads no fragments.)
 */
final class Mp4Frames {
    /** The sound track: its AudioSpecificConfig and its frames in order. */
    record Track(byte[] config, List<byte[]> frames) {}

    private final byte[] b;
    private int soundTrackId = -1, defaultSize;
    private byte[] config;
    private boolean opus;
    private long[] sizes, chunkOffsets;
    private int[][] samplesPerChunk; // stsc rows: first chunk (1-based), samples per chunk
    private final List<byte[]> frames = new ArrayList<>();
    private long frameBytes;

    private Mp4Frames(byte[] data) {
        this.b = data;
    }

    static Track read(byte[] file) {
        Mp4Frames m = new Mp4Frames(file);
        m.boxes(0, file.length, 0, -1);
        if (m.opus && m.config == null) throw new MediaException("the MP4 file's audio is Opus, which Muse reads in WebM and Ogg but not yet in MP4");
        if (m.config == null) throw new MediaException("the MP4 file has no AAC sound track");
        if (m.frames.isEmpty()) m.sampleTables();
        if (m.frames.isEmpty()) throw new MediaException("the MP4 file's sound track holds no samples");
        return new Track(m.config, m.frames);
    }

    /** Walks the boxes in [from, to); {@code depth} guards against absurd nesting; {@code moof} is the fragment's start. */
    private void boxes(int from, int to, int depth, int moof) {
        if (depth > 12) throw new MediaException("the MP4 file nests its boxes too deep");
        int at = from;
        while (at + 8 <= to) {
            long size = u32(at);
            String type = new String(b, at + 4, 4, StandardCharsets.ISO_8859_1);
            int header = 8;
            if (size == 1) {
                if (at + 16 > to) return;
                size = u64(at + 8);
                header = 16;
            } else if (size == 0) {
                size = to - at;
            }
            if (size < header) throw new MediaException("the MP4 file has a box of impossible size");
            if (size > to - at) { // cut off: read what is whole
                if (to != b.length) throw new MediaException("the MP4 file has a box larger than the one holding it");
                size = to - at;
            }
            int start = at + header, end = (int) (at + size);
            switch (type) {
                case "moov", "trak", "mdia", "minf", "stbl", "mvex", "edts" -> boxes(start, end, depth + 1, moof);
                case "moof" -> boxes(start, end, depth + 1, at);
                case "traf" -> fragment(start, end, moof);
                case "tkhd" -> trackHeader(start, end);
                case "hdlr" -> handler(start, end);
                case "stsd" -> sampleDescription(start, end);
                case "stsz" -> sampleSizes(start, end);
                case "stsc" -> sampleToChunk(start, end);
                case "stco" -> chunkOffsets(start, end, false);
                case "co64" -> chunkOffsets(start, end, true);
                case "trex" -> { if (end - start >= 20 && (int) u32(start + 4) == soundTrackId) defaultSize = (int) u32(start + 16); }
                default -> { }
            }
            at = end;
        }
    }

    private int pendingTrackId;
    private boolean sound;

    private void trackHeader(int start, int end) {
        int version = b[start] & 0xFF, at = start + (version == 1 ? 20 : 12);
        if (at + 4 > end) throw new MediaException("the MP4 file's tkhd is truncated");
        pendingTrackId = (int) u32(at);
        sound = false;
    }

    private void handler(int start, int end) {
        if (start + 12 > end) throw new MediaException("the MP4 file's hdlr is truncated");
        sound = new String(b, start + 8, 4, StandardCharsets.ISO_8859_1).equals("soun");
    }

    /** stsd: the first sample entry of the first sound track, mp4a with its esds. */
    private void sampleDescription(int start, int end) {
        if (!sound || soundTrackId >= 0 || start + 16 > end) return;
        int entry = start + 8;
        long entrySize = u32(entry);
        String format = new String(b, entry + 4, 4, StandardCharsets.ISO_8859_1);
        if (entrySize < 36 || entry + entrySize > end) throw new MediaException("the MP4 file's sample description is truncated");
        if (format.equals("Opus")) opus = true;
        if (!format.equals("mp4a")) return;
        int version = (int) u16(entry + 16); // QuickTime sound descriptions grow with their version
        int children = entry + 36 + (version == 1 ? 16 : version == 2 ? 36 : 0);
        for (int at = children; at + 8 <= entry + entrySize; ) {
            long size = u32(at);
            if (size < 8 || at + size > entry + entrySize) break;
            if (new String(b, at + 4, 4, StandardCharsets.ISO_8859_1).equals("esds")) config = decoderConfig(at + 12, (int) (at + size));
            at += (int) size;
        }
        if (config != null) soundTrackId = pendingTrackId;
    }

    /** The DecoderSpecificInfo (tag 5) inside the ES descriptor's DecoderConfigDescriptor (tag 4). */
    private byte[] decoderConfig(int at, int end) {
        while (at + 2 <= end) {
            int tag = b[at++] & 0xFF;
            int length = 0;
            for (int i = 0; i < 4 && at < end; i++) {
                int v = b[at++] & 0xFF;
                length = length << 7 | (v & 0x7F);
                if ((v & 0x80) == 0) break;
            }
            if (length > end - at) throw new MediaException("the MP4 file's esds descriptor runs past its box");
            switch (tag) {
                case 3 -> { // ES_Descriptor: id, flags, then optional fields, then its children
                    int flags = b[at + 2] & 0xFF, skip = 3 + ((flags & 0x80) != 0 ? 2 : 0) + ((flags & 0x20) != 0 ? 1 + (b[at + 3] & 0xFF) : 0)
                            + ((flags & 0x40) != 0 ? 2 : 0);
                    at += Math.min(skip, length);
                }
                case 4 -> at += Math.min(13, length); // DecoderConfigDescriptor's fixed part, then its children
                case 5 -> { return Arrays.copyOfRange(b, at, at + length); }
                default -> at += length;
            }
        }
        return null;
    }

    private void sampleSizes(int start, int end) {
        if (sizes != null || !sound || config == null || start + 12 > end) return;
        long fixed = u32(start + 4), count = u32(start + 8);
        if (count > (b.length / 4) + 1) throw new MediaException("the MP4 file's stsz claims more samples than the file can hold");
        sizes = new long[(int) count];
        if (fixed != 0) Arrays.fill(sizes, fixed);
        else {
            if (start + 12 + 4 * count > end) throw new MediaException("the MP4 file's stsz is truncated");
            for (int i = 0; i < count; i++) sizes[i] = u32(start + 12 + 4 * i);
        }
    }

    private void sampleToChunk(int start, int end) {
        if (samplesPerChunk != null || !sound || config == null || start + 8 > end) return;
        long count = u32(start + 4);
        if (start + 8 + 12 * count > end) throw new MediaException("the MP4 file's stsc is truncated");
        samplesPerChunk = new int[(int) count][];
        for (int i = 0; i < count; i++) samplesPerChunk[i] = new int[] {(int) u32(start + 8 + 12 * i), (int) u32(start + 12 + 12 * i)};
    }

    private void chunkOffsets(int start, int end, boolean wide) {
        if (chunkOffsets != null || !sound || config == null || start + 8 > end) return;
        long count = u32(start + 4);
        if (start + 8 + (wide ? 8 : 4) * count > end) throw new MediaException("the MP4 file's chunk offsets are truncated");
        chunkOffsets = new long[(int) count];
        for (int i = 0; i < count; i++) chunkOffsets[i] = wide ? u64(start + 8 + 8 * i) : u32(start + 8 + 4 * i);
    }

    /** A plain file's samples: chunk by chunk, each chunk's samples one after another from its offset. */
    private void sampleTables() {
        if (sizes == null || samplesPerChunk == null || chunkOffsets == null) return;
        int sample = 0;
        for (int chunk = 0; chunk < chunkOffsets.length && sample < sizes.length; chunk++) {
            int perChunk = 0;
            for (int[] row : samplesPerChunk) if (row[0] <= chunk + 1) perChunk = row[1];
            long at = chunkOffsets[chunk];
            for (int i = 0; i < perChunk && sample < sizes.length; i++, sample++) {
                if (at < 0 || sizes[sample] > b.length - at) return; // cut off: keep the whole samples
                add((int) at, (int) sizes[sample]);
                at += sizes[sample];
            }
        }
    }

    /** traf: tfhd's defaults, then each trun's samples from the fragment's data. */
    private void fragment(int from, int to, int moof) {
        long base = moof, size = defaultSize;
        boolean ours = false;
        for (int at = from; at + 8 <= to; ) {
            long boxSize = u32(at);
            if (boxSize < 8 || at + boxSize > to) break;
            String type = new String(b, at + 4, 4, StandardCharsets.ISO_8859_1);
            int p = at + 8, end = (int) (at + boxSize);
            if (type.equals("tfhd") && p + 8 <= end) {
                int flags = (int) u32(p) & 0xFFFFFF;
                ours = (int) u32(p + 4) == soundTrackId;
                int q = p + 8;
                if ((flags & 0x1) != 0 && q + 8 <= end) { base = u64(q); q += 8; }
                if ((flags & 0x2) != 0) q += 4;
                if ((flags & 0x8) != 0) q += 4;
                if ((flags & 0x10) != 0 && q + 4 <= end) size = u32(q);
            } else if (type.equals("trun") && ours && p + 8 <= end) {
                int flags = (int) u32(p) & 0xFFFFFF;
                long count = u32(p + 4);
                int q = p + 8;
                long data = base;
                if ((flags & 0x1) != 0) { data = base + (int) u32(q); q += 4; }
                if ((flags & 0x4) != 0) q += 4;
                int perSample = Integer.bitCount(flags & 0xF00) * 4;
                if (count > (end - q) / Math.max(1, perSample) + (perSample == 0 ? Integer.MAX_VALUE : 0))
                    throw new MediaException("the MP4 file's trun claims more samples than it holds");
                for (long i = 0; i < count; i++) {
                    long sampleSize = size;
                    int r = q;
                    if ((flags & 0x100) != 0) r += 4;
                    if ((flags & 0x200) != 0) sampleSize = u32(r);
                    q += perSample;
                    if (sampleSize <= 0 || data < 0 || sampleSize > b.length - data) return; // cut off
                    add((int) data, (int) sampleSize);
                    data += sampleSize;
                }
            }
            at = end;
        }
    }

    /** A frame of {@code size} bytes at {@code at}; frames may not add up to more than the file (a hostile file could point every fragment at the same data). */
    private void add(int at, int size) {
        frameBytes += size;
        if (frameBytes > b.length) throw new MediaException("the MP4 file's samples add up to more than the file: it is damaged");
        frames.add(Arrays.copyOfRange(b, at, at + size));
    }

    private long u16(int at) {
        check(at, 2);
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    private long u32(int at) {
        check(at, 4);
        return (long) (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    private long u64(int at) {
        long v = u32(at) << 32 | u32(at + 4);
        if (v < 0) throw new MediaException("the MP4 file has an offset beyond any file");
        return v;
    }

    private void check(int at, int n) {
        if (at < 0 || at > b.length - n) throw new MediaException("the MP4 file is truncated");
    }
}
