package dev.muse.media;

import java.io.ByteArrayOutputStream;

/**
 * Writes mono {@link Audio} as a FLAC file of 16-bit samples: lossless (the samples are those {@link WavWriter#pcm16}
 * writes), about half a WAV's size for speech. Blocks of 4096 samples, each a FIXED order-2 predictor whose residual is
 * Rice-coded with the parameter that codes it shortest (a block shorter than three samples is stored verbatim); no MD5
 * in STREAMINFO (zero, which the format allows).
 */
public final class FlacWriter {
    private static final int BLOCK = 4096;

    private FlacWriter() {}

    public static byte[] write(Audio audio) {
        int rate = audio.sampleRate();
        if (rate < 1 || rate > 655_350) throw new IllegalArgumentException("FLAC cannot hold a sample rate of " + rate);
        short[] pcm = new short[audio.samples().length];
        for (int i = 0; i < pcm.length; i++) pcm[i] = WavWriter.sample16(audio.samples()[i]);
        Bits out = new Bits();
        out.bytes("fLaC".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.u(1, 1).u(7, 0).u(24, 34); // the last metadata block: STREAMINFO, 34 bytes
        int blockSize = Math.max(16, Math.min(BLOCK, pcm.length)); // every block but the last has it (the last may be shorter)
        out.u(16, blockSize).u(16, blockSize);
        out.u(24, 0).u(24, 0).u(20, rate).u(3, 0).u(5, 15).u(36, pcm.length);
        for (int i = 0; i < 16; i++) out.u(8, 0);
        for (int start = 0, frame = 0; start < pcm.length; start += BLOCK, frame++)
            out.bytes(frame(pcm, start, Math.min(BLOCK, pcm.length - start), frame, rate));
        return out.toByteArray();
    }

    /** One frame: its header (and CRC-8), one subframe, and its CRC-16. */
    private static byte[] frame(short[] pcm, int start, int n, int number, int rate) {
        Bits out = new Bits();
        out.u(14, 0x3FFE).u(1, 0).u(1, 0); // sync, reserved, fixed block size
        boolean fullBlock = n == BLOCK;
        out.u(4, fullBlock ? 12 : 7); // 4096, or 16-bit (block size - 1) after the frame number
        int rateCode = switch (rate) {
            case 8000 -> 4;
            case 16000 -> 5;
            case 22050 -> 6;
            case 24000 -> 7;
            case 32000 -> 8;
            case 44100 -> 9;
            case 48000 -> 10;
            case 96000 -> 11;
            default -> 0; // as STREAMINFO says
        };
        out.u(4, rateCode).u(4, 0).u(3, 4).u(1, 0); // mono, 16 bits per sample, reserved
        utf8(out, number);
        if (!fullBlock) out.u(16, n - 1);
        out.u(8, crc8(out.toByteArray()));
        if (n < 3) {
            out.u(1, 0).u(6, 1).u(1, 0); // VERBATIM
            for (int i = 0; i < n; i++) out.s(16, pcm[start + i]);
        } else {
            out.u(1, 0).u(6, 0b001010).u(1, 0); // FIXED, order 2
            out.s(16, pcm[start]).s(16, pcm[start + 1]);
            int[] residual = new int[n - 2];
            for (int i = 2; i < n; i++) residual[i - 2] = pcm[start + i] - 2 * pcm[start + i - 1] + pcm[start + i - 2];
            int k = bestRiceParameter(residual);
            out.u(2, 0).u(4, 0).u(4, k); // Rice with 4-bit parameters, one partition
            for (int r : residual) {
                int u = (r << 1) ^ (r >> 31);
                for (int q = u >>> k; q > 0; q--) out.u(1, 0);
                out.u(1, 1);
                if (k > 0) out.u(k, u & ((1 << k) - 1));
            }
        }
        out.u(16, crc16(out.toByteArray()));
        return out.toByteArray();
    }

    /** The Rice parameter (0 to 14) that codes the residual in the fewest bits. */
    private static int bestRiceParameter(int[] residual) {
        int best = 0;
        long bestBits = Long.MAX_VALUE;
        for (int k = 0; k <= 14; k++) {
            long bits = 0;
            for (int r : residual) bits += (((r << 1) ^ (r >> 31)) >>> k) + 1 + k;
            if (bits < bestBits) {
                bestBits = bits;
                best = k;
            }
        }
        return best;
    }

    /** A frame number as FLAC writes it: UTF-8's variable-length code. */
    private static void utf8(Bits out, int v) {
        if (v < 0x80) out.u(8, v);
        else if (v < 0x800) out.u(8, 0xC0 | v >> 6).u(8, 0x80 | v & 0x3F);
        else if (v < 0x10000) out.u(8, 0xE0 | v >> 12).u(8, 0x80 | v >> 6 & 0x3F).u(8, 0x80 | v & 0x3F);
        else out.u(8, 0xF0 | v >> 18).u(8, 0x80 | v >> 12 & 0x3F).u(8, 0x80 | v >> 6 & 0x3F).u(8, 0x80 | v & 0x3F);
    }

    private static int crc8(byte[] b) {
        int c = 0;
        for (int i = 0; i < b.length; i++) {
            c ^= b[i] & 0xFF;
            for (int j = 0; j < 8; j++) c = (c & 0x80) != 0 ? ((c << 1) ^ 0x07) & 0xFF : (c << 1) & 0xFF;
        }
        return c;
    }

    private static int crc16(byte[] b) {
        int c = 0;
        for (int i = 0; i < b.length; i++) {
            c ^= (b[i] & 0xFF) << 8;
            for (int j = 0; j < 8; j++) c = (c & 0x8000) != 0 ? ((c << 1) ^ 0x8005) & 0xFFFF : (c << 1) & 0xFFFF;
        }
        return c;
    }

    /** A big-endian bit writer. */
    private static final class Bits {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private long acc;
        private int count;

        Bits u(int n, long v) {
            for (int i = n - 1; i >= 0; i--) {
                acc = (acc << 1) | ((v >>> i) & 1);
                if (++count == 8) {
                    bytes.write((int) acc);
                    acc = 0;
                    count = 0;
                }
            }
            return this;
        }

        Bits s(int n, int v) { return u(n, v & ((1L << n) - 1)); }

        void bytes(byte[] b) {
            for (byte x : b) u(8, x & 0xFF);
        }

        void align() {
            while (count != 0) u(1, 0);
        }

        /** What is written, padded with zero bits to a whole byte. */
        byte[] toByteArray() {
            align();
            return bytes.toByteArray();
        }
    }
}
