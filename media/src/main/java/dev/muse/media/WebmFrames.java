package dev.muse.media;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The audio frames of a WebM (Matroska) file, read by hand: what browsers' MediaRecorder uploads
 * ({@code audio/webm;codecs=opus}). Walks the EBML elements of the Segment, descending into Clusters (of known or,
 * as MediaRecorder writes them when recording in slices, unknown size), takes the first audio track from Tracks,
 * and collects that track's frames from SimpleBlocks and BlockGroups, unlaced or with Xiph, EBML or fixed lacing.
 * Every size is checked against its parent before use; a file cut off mid-cluster (an upload stopped early) keeps
 * the frames before the cut. Libraries were tried and failed on real MediaRecorder files.
 */
final class WebmFrames {
    private static final int EBML = 0x1A45DFA3, DOC_TYPE = 0x4282, SEGMENT = 0x18538067, TRACKS = 0x1654AE6B,
            TRACK_ENTRY = 0xAE, TRACK_NUMBER = 0xD7, TRACK_TYPE = 0x83, CODEC_ID = 0x86, CODEC_PRIVATE = 0x63A2,
            CONTENT_ENCODINGS = 0x6D80, CLUSTER = 0x1F43B675, SIMPLE_BLOCK = 0xA3, BLOCK_GROUP = 0xA0, BLOCK = 0xA1;
    private static final int AUDIO_TRACK = 2;
    private static final long UNKNOWN = -1;

    /** The first audio track: its codec ("A_OPUS", ...), its codec private data, and its frames in order. */
    record Track(String codec, byte[] codecPrivate, List<byte[]> frames) {}

    /** Thrown when an element runs past the end of the data: the frames read so far are kept. */
    private static final class Cut extends RuntimeException {
        Cut() { super(null, null, false, false); }
    }

    private final byte[] b;
    private int position;
    private long trackNumber = -1;
    private String codec;
    private byte[] codecPrivate;
    private boolean encrypted;
    private final List<byte[]> frames = new ArrayList<>();

    private WebmFrames(byte[] data) {
        this.b = data;
    }

    static Track read(byte[] file) {
        try {
            return new WebmFrames(file).track();
        } catch (Cut cut) { // before the first cluster: nothing to keep
            throw new MediaException("the WebM file is truncated in its header");
        }
    }

    private Track track() {
        if (readId() != EBML) throw new MediaException("not a WebM file (no EBML header)");
        int headerEnd = end(size(), b.length);
        String docType = null;
        while (position < headerEnd) {
            int id = readId();
            int end = end(size(), headerEnd);
            if (id == DOC_TYPE) docType = new String(b, position, end - position, StandardCharsets.US_ASCII).trim();
            position = end;
        }
        if (!"webm".equals(docType) && !"matroska".equals(docType)) throw new MediaException("the EBML file is not WebM or Matroska (doc type " + (docType == null ? "none" : docType.replaceAll("[^ -~]", "?")) + ")");
        if (readId() != SEGMENT) throw new MediaException("the WebM file has no Segment");
        long segmentSize = size();
        int segmentEnd = segmentSize == UNKNOWN || segmentSize > b.length - position ? b.length : position + (int) segmentSize;
        try {
            while (position < segmentEnd) {
                int id = readId();
                long size = size();
                if (id == CLUSTER) continue; // its children follow: a cluster of unknown size ends where the next begins
                int end = end(size, segmentEnd);
                switch (id) {
                    case TRACKS -> tracks(end);
                    case SIMPLE_BLOCK -> block(end);
                    case BLOCK_GROUP -> {
                        while (position < end) {
                            int child = readId();
                            int childEnd = end(size(), end);
                            if (child == BLOCK) block(childEnd);
                            position = childEnd;
                        }
                    }
                    default -> { } // Info, SeekHead, Cues, Tags, Void, CRC-32, a cluster's Timestamp: not needed
                }
                position = end;
            }
        } catch (Cut cut) {
            // an upload cut off mid-element: keep the frames before it
        }
        if (codec == null) throw new MediaException("the WebM file has no audio track");
        if (encrypted) throw new MediaException("the WebM file's audio is compressed or encrypted (ContentEncodings), which Muse does not read");
        return new Track(codec, codecPrivate, frames);
    }

    private void tracks(int end) {
        while (position < end) {
            int id = readId();
            int entryEnd = end(size(), end);
            if (id == TRACK_ENTRY && codec == null) {
                long number = -1, type = 0;
                String entryCodec = null;
                byte[] entryPrivate = null;
                boolean entryEncoded = false;
                while (position < entryEnd) {
                    int child = readId();
                    int childEnd = end(size(), entryEnd);
                    switch (child) {
                        case TRACK_NUMBER -> number = unsigned(childEnd);
                        case TRACK_TYPE -> type = unsigned(childEnd);
                        case CODEC_ID -> entryCodec = new String(b, position, childEnd - position, StandardCharsets.US_ASCII).trim();
                        case CODEC_PRIVATE -> entryPrivate = Arrays.copyOfRange(b, position, childEnd);
                        case CONTENT_ENCODINGS -> entryEncoded = true;
                        default -> { }
                    }
                    position = childEnd;
                }
                if (type == AUDIO_TRACK) {
                    trackNumber = number;
                    codec = entryCodec == null ? "" : entryCodec;
                    codecPrivate = entryPrivate;
                    encrypted = entryEncoded;
                }
            }
            position = entryEnd;
        }
    }

    /** A (Simple)Block: track number, 16-bit timestamp, flags, then one frame or a laced run of them. */
    private void block(int end) {
        int start = position;
        long track = vint(false);
        if (codec == null || track != trackNumber) {
            position = start;
            return;
        }
        if (position + 3 > end) throw new MediaException("the WebM file has a block too short for its header");
        int lacing = (b[position + 2] >> 1) & 3;
        position += 3;
        if (lacing == 0) {
            frames.add(Arrays.copyOfRange(b, position, end));
            position = start;
            return;
        }
        if (position >= end) throw new MediaException("the WebM file has a laced block without its frame count");
        int count = (b[position++] & 0xFF) + 1;
        int[] sizes = new int[count];
        long total = 0;
        switch (lacing) {
            case 1 -> { // Xiph: each size a run of bytes summed until one below 255
                for (int i = 0; i < count - 1; i++) {
                    int s = 0, v;
                    do {
                        if (position >= end) throw new MediaException("the WebM file's lacing runs past its block");
                        v = b[position++] & 0xFF;
                        s += v;
                    } while (v == 255);
                    sizes[i] = s;
                    total += s;
                }
            }
            case 3 -> { // EBML: the first size, then signed differences
                long previous = 0;
                for (int i = 0; i < count - 1; i++) {
                    int at = position;
                    long v = vint(false);
                    if (i > 0) v = previous + v - ((1L << (7 * (position - at) - 1)) - 1);
                    if (v < 0 || v > end - start) throw new MediaException("the WebM file's lacing gives an impossible frame size");
                    sizes[i] = (int) v;
                    previous = v;
                    total += v;
                }
            }
            default -> { // fixed: equal sizes
                int rest = end - position;
                if (rest % count != 0) throw new MediaException("the WebM file's fixed lacing does not divide its block");
                for (int i = 0; i < count - 1; i++) {
                    sizes[i] = rest / count;
                    total += sizes[i];
                }
            }
        }
        long last = end - position - total;
        if (last < 0 || position > end) throw new MediaException("the WebM file's laced frames exceed their block");
        sizes[count - 1] = (int) last;
        for (int s : sizes) {
            frames.add(Arrays.copyOfRange(b, position, position + s));
            position += s;
        }
        position = start;
    }

    /** The end of an element of {@code size} bytes at the position, which must lie within its parent's end. */
    private int end(long size, int parentEnd) {
        if (size == UNKNOWN) throw new MediaException("the WebM file has an element of unknown size where a size is needed");
        if (size > b.length - position) throw new Cut();
        if (size > parentEnd - position) throw new MediaException("the WebM file has an element larger than the one holding it");
        return position + (int) size;
    }

    private int readId() {
        if (position >= b.length) throw new Cut();
        int first = b[position] & 0xFF, length = Integer.numberOfLeadingZeros(first) - 23;
        if (first == 0 || length > 4) throw new MediaException("the WebM file has an invalid element id");
        if (position + length > b.length) throw new Cut();
        int id = 0;
        for (int i = 0; i < length; i++) id = id << 8 | (b[position + i] & 0xFF);
        position += length;
        return id;
    }

    private long size() {
        return vint(true);
    }

    /** A variable-length integer without its length marker; with {@code unknown}, all ones means "unknown size". */
    private long vint(boolean unknown) {
        if (position >= b.length) throw new Cut();
        int first = b[position] & 0xFF;
        if (first == 0) throw new MediaException("the WebM file has an invalid size field");
        int length = Integer.numberOfLeadingZeros(first) - 23;
        if (position + length > b.length) throw new Cut();
        long v = first & (0xFF >> length);
        boolean allOnes = v == (0xFF >> length);
        for (int i = 1; i < length; i++) {
            int x = b[position + i] & 0xFF;
            v = v << 8 | x;
            allOnes &= x == 0xFF;
        }
        position += length;
        return allOnes && unknown ? UNKNOWN : v;
    }

    private long unsigned(int end) {
        if (end - position > 8) throw new MediaException("the WebM file has an integer over 8 bytes");
        long v = 0;
        for (int i = position; i < end; i++) v = v << 8 | (b[i] & 0xFF);
        return v;
    }
}
