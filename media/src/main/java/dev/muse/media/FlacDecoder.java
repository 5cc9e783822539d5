package dev.muse.media;

import java.util.Arrays;

/**
 * Reads FLAC (RFC 9639) by hand: STREAMINFO, then frames of constant, verbatim, fixed-predictor and LPC subframes
 * with Rice-coded residuals and stereo decorrelation, any sample size up to 32 bits, channels mixed to mono. Every
 * frame's header CRC-8 and CRC-16 are checked; a damaged frame is skipped to the next frame that checks out, as
 * reference decoders do. Every loop consumes input bits or is bounded by the block size, so no input makes it run
 * away (the jFLAC library was rejected for looping forever on 2 of 200 damaged files).
 */
final class FlacDecoder {
    /** Damaged frames tolerated before the file is refused as corrupt rather than patched over. */
    private static final int MAX_BAD_FRAMES = 64;

    private final byte[] b;
    private final long bits;
    private long bit;
    private int sampleRate, channels, sampleBits;

    private FlacDecoder(byte[] data) {
        this.b = data;
        this.bits = (long) data.length * 8;
    }

    /** Thrown when a read would pass the end of the data. */
    private static final class End extends RuntimeException {
        End() { super("the FLAC file is truncated", null, false, false); }
    }

    /** A frame that fails its checks: skipped, up to {@link #MAX_BAD_FRAMES} of them. */
    private static final class Damaged extends RuntimeException {
        Damaged(String what) { super(what, null, false, false); }
    }

    static Audio decode(byte[] file, AudioLimits limits) {
        return new FlacDecoder(file).read(limits);
    }

    private Audio read(AudioLimits limits) {
        try {
            streamInfo();
        } catch (End e) {
            throw new MediaException("the FLAC file is truncated in its header");
        }
        limits.checkFormat(channels, sampleRate);
        MonoSamples out = new MonoSamples(sampleRate, limits);
        int bad = 0;
        while (bit + 16 <= bits) {
            long start = bit;
            try {
                if (u(14) != 0x3FFE) throw new Damaged("lost frame sync");
                frame(start, out);
            } catch (End | Damaged e) {
                long next = nextSync(start / 8 + 1);
                if (next < 0) break; // a cut-off last frame: keep what came before it
                if (++bad > MAX_BAD_FRAMES) throw new MediaException("the FLAC file is damaged: more than " + MAX_BAD_FRAMES + " frames fail their checks");
                bit = next * 8;
            }
        }
        if (out.size() == 0) throw new MediaException("the FLAC file holds no audio it can read");
        return out.audio();
    }

    private void streamInfo() {
        if (b.length < 4 || b[0] != 'f' || b[1] != 'L' || b[2] != 'a' || b[3] != 'C') throw new MediaException("not a FLAC file");
        bit = 32;
        boolean last = false, info = false;
        while (!last) {
            last = u(1) == 1;
            int type = (int) u(7);
            long length = u(24);
            if (bit / 8 + length > b.length) throw new MediaException("the FLAC file's metadata runs past its end");
            if (type == 0) {
                if (length < 34) throw new MediaException("the FLAC file's STREAMINFO is too short");
                long at = bit;
                u(16 + 16 + 24 + 24); // block and frame sizes: each frame says its own
                sampleRate = (int) u(20);
                channels = (int) u(3) + 1;
                sampleBits = (int) u(5) + 1;
                bit = at;
                info = true;
            } else if (type == 127) {
                throw new MediaException("the FLAC file has an invalid metadata block");
            }
            bit += length * 8;
        }
        if (!info) throw new MediaException("the FLAC file has no STREAMINFO");
        if (sampleRate == 0 || sampleBits < 4) throw new MediaException("the FLAC file's STREAMINFO is invalid");
    }

    private void frame(long start, MonoSamples out) {
        if (u(1) != 0) throw new Damaged("reserved bit set");
        u(1); // fixed or variable block size: the frame says its size either way
        int sizeCode = (int) u(4), rateCode = (int) u(4), channelCode = (int) u(4), bitsCode = (int) u(3);
        if (u(1) != 0) throw new Damaged("reserved bit set");
        skipCodedNumber();
        int size = switch (sizeCode) {
            case 0 -> throw new Damaged("reserved block size");
            case 1 -> 192;
            case 2, 3, 4, 5 -> 576 << (sizeCode - 2);
            case 6 -> (int) u(8) + 1;
            case 7 -> (int) u(16) + 1;
            default -> 256 << (sizeCode - 8);
        };
        int rate = switch (rateCode) {
            case 0 -> sampleRate;
            case 12 -> (int) u(8) * 1000;
            case 13 -> (int) u(16);
            case 14 -> (int) u(16) * 10;
            case 15 -> throw new Damaged("invalid sample rate");
            default -> new int[] {0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000}[rateCode];
        };
        int sample = switch (bitsCode) {
            case 0 -> sampleBits;
            case 1 -> 8;
            case 2 -> 12;
            case 4 -> 16;
            case 5 -> 20;
            case 6 -> 24;
            case 7 -> 32;
            default -> throw new Damaged("reserved sample size");
        };
        int crc8 = 0;
        for (long p = start / 8; p < bit / 8; p++) crc8 = crc8(crc8, b[(int) p]);
        if (u(8) != crc8) throw new Damaged("frame header CRC-8 mismatch");
        int n = channelCode < 8 ? channelCode + 1 : channelCode <= 10 ? 2 : -1;
        if (n != channels || rate != sampleRate || sample != sampleBits)
            throw new Damaged("a frame's format differs from the stream's");
        int[][] ch = new int[n][size];
        for (int c = 0; c < n; c++) {
            boolean side = channelCode == 8 && c == 1 || channelCode == 9 && c == 0 || channelCode == 10 && c == 1;
            subframe(ch[c], size, sample + (side ? 1 : 0));
        }
        bit = (bit + 7) & ~7L;
        int crc16 = 0;
        for (long p = start / 8; p < bit / 8; p++) crc16 = crc16(crc16, b[(int) p]);
        if (u(16) != crc16) throw new Damaged("frame CRC-16 mismatch");
        for (int i = 0; i < size; i++) {
            switch (channelCode) {
                case 8 -> ch[1][i] = ch[0][i] - ch[1][i]; // left, side
                case 9 -> ch[0][i] = ch[0][i] + ch[1][i]; // side, right
                case 10 -> { // mid, side
                    long mid = ((long) ch[0][i] << 1) | (ch[1][i] & 1), side = ch[1][i];
                    ch[0][i] = (int) ((mid + side) >> 1);
                    ch[1][i] = (int) ((mid - side) >> 1);
                }
                default -> { }
            }
        }
        out.addInts(ch, size, sampleBits);
    }

    private void subframe(int[] out, int size, int sampleBits) {
        if (u(1) != 0) throw new Damaged("subframe padding bit set");
        int type = (int) u(6);
        int wasted = 0;
        if (u(1) == 1) {
            wasted = 1;
            while (u(1) == 0) if (++wasted >= sampleBits) throw new Damaged("too many wasted bits");
        }
        int w = sampleBits - wasted;
        if (type == 0) {
            Arrays.fill(out, 0, size, s(w));
        } else if (type == 1) {
            for (int i = 0; i < size; i++) out[i] = s(w);
        } else if (type >= 8 && type <= 12) {
            int order = type - 8;
            if (order > size) throw new Damaged("predictor order beyond the block");
            for (int i = 0; i < order; i++) out[i] = s(w);
            residual(out, size, order);
            for (int i = order; i < size; i++) {
                long p = switch (order) {
                    case 0 -> 0;
                    case 1 -> out[i - 1];
                    case 2 -> 2L * out[i - 1] - out[i - 2];
                    case 3 -> 3L * out[i - 1] - 3L * out[i - 2] + out[i - 3];
                    default -> 4L * out[i - 1] - 6L * out[i - 2] + 4L * out[i - 3] - out[i - 4];
                };
                out[i] = (int) (p + out[i]);
            }
        } else if (type >= 32) {
            int order = type - 31;
            if (order > size) throw new Damaged("predictor order beyond the block");
            for (int i = 0; i < order; i++) out[i] = s(w);
            int precision = (int) u(4) + 1;
            if (precision == 16) throw new Damaged("invalid LPC precision");
            int shift = s(5);
            if (shift < 0) throw new Damaged("negative LPC shift");
            int[] coefficients = new int[order];
            for (int i = 0; i < order; i++) coefficients[i] = s(precision);
            residual(out, size, order);
            for (int i = order; i < size; i++) {
                long sum = 0;
                for (int j = 0; j < order; j++) sum += (long) coefficients[j] * out[i - 1 - j];
                out[i] = (int) ((sum >> shift) + out[i]);
            }
        } else {
            throw new Damaged("reserved subframe type");
        }
        if (wasted > 0) for (int i = 0; i < size; i++) out[i] <<= wasted;
    }

    /** Rice-coded residuals in 2^order partitions, written after the warm-up samples. */
    private void residual(int[] out, int size, int order) {
        int method = (int) u(2);
        if (method > 1) throw new Damaged("reserved residual coding");
        int parameterBits = method == 0 ? 4 : 5, escape = method == 0 ? 15 : 31;
        int partitionOrder = (int) u(4), partitions = 1 << partitionOrder;
        if ((size >> partitionOrder) < order || (size & (partitions - 1)) != 0) throw new Damaged("invalid partition order");
        int i = order;
        for (int p = 0; p < partitions; p++) {
            int n = (size >> partitionOrder) - (p == 0 ? order : 0);
            int k = (int) u(parameterBits);
            if (k == escape) {
                int raw = (int) u(5);
                for (int j = 0; j < n; j++) out[i++] = raw == 0 ? 0 : s(raw);
            } else {
                for (int j = 0; j < n; j++) {
                    long q = 0;
                    while (u(1) == 0) q++; // each step takes a bit, so the end of the data ends it
                    long v = (q << k) | u(k);
                    out[i++] = (int) ((v >>> 1) ^ -(v & 1));
                }
            }
        }
    }

    /** The frame number or sample number in UTF-8-like coding; only its validity matters here. */
    private void skipCodedNumber() {
        int first = (int) u(8), extra;
        if ((first & 0x80) == 0) extra = 0;
        else if ((first & 0xE0) == 0xC0) extra = 1;
        else if ((first & 0xF0) == 0xE0) extra = 2;
        else if ((first & 0xF8) == 0xF0) extra = 3;
        else if ((first & 0xFC) == 0xF8) extra = 4;
        else if ((first & 0xFE) == 0xFC) extra = 5;
        else if (first == 0xFE) extra = 6;
        else throw new Damaged("invalid frame number");
        for (int i = 0; i < extra; i++) if ((u(8) & 0xC0) != 0x80) throw new Damaged("invalid frame number");
    }

    private long nextSync(long from) {
        for (long p = from; p + 1 < b.length; p++) if ((b[(int) p] & 0xFF) == 0xFF && (b[(int) p + 1] & 0xFE) == 0xF8) return p;
        return -1;
    }

    private long u(int n) {
        if (n == 0) return 0;
        if (bit + n > bits) {
            bit = bits;
            throw new End();
        }
        long v = 0;
        for (int i = 0; i < n; ) {
            int index = (int) (bit >>> 3), offset = (int) (bit & 7), take = Math.min(8 - offset, n - i);
            v = (v << take) | (((b[index] & 0xFF) >>> (8 - offset - take)) & ((1 << take) - 1));
            i += take;
            bit += take;
        }
        return v;
    }

    private int s(int n) {
        long v = u(n);
        return (int) ((v << (64 - n)) >> (64 - n));
    }

    private static int crc8(int c, byte x) {
        c ^= x & 0xFF;
        for (int i = 0; i < 8; i++) c = (c & 0x80) != 0 ? ((c << 1) ^ 0x07) & 0xFF : (c << 1) & 0xFF;
        return c;
    }

    private static int crc16(int c, byte x) {
        c ^= (x & 0xFF) << 8;
        for (int i = 0; i < 8; i++) c = (c & 0x8000) != 0 ? ((c << 1) ^ 0x8005) & 0xFFFF : (c << 1) & 0xFFFF;
        return c;
    }
}
