package dev.muse.media;

/**
 * Reads RIFF/WAVE files: integer PCM of 8, 16, 24 or 32 bits and IEEE float of 32 or 64 bits, plain or in a
 * WAVE_FORMAT_EXTENSIBLE wrapper, any channel count up to the caps, mixed down to mono.
 *
 * <p>Every chunk length is checked against the file before it is used. A {@code data} chunk that claims more
 * bytes than the file holds is read up to the file's end, as other readers do: recorders that stream a WAV
 * write the header before they know its length and leave 0 or 0xFFFFFFFF there.
 */
final class WavDecoder {
    private static final int PCM = 1;
    private static final int IEEE_FLOAT = 3;
    private static final int EXTENSIBLE = 0xFFFE;

    private WavDecoder() {
    }

    static Audio decode(byte[] file, AudioLimits limits) {
        ByteCursor riff = new ByteCursor(file, 0, file.length, false, "WAV file");
        if (!riff.match("RIFF")) {
            throw new MediaException("not a WAV file (no RIFF header)");
        }
        riff.u32(); // the RIFF size: often wrong in streamed files, so the file's own length rules
        if (!riff.match("WAVE")) {
            throw new MediaException("the RIFF file is not WAVE audio");
        }
        Format format = null;
        while (riff.remaining() >= 8) {
            String id = fourCc(riff);
            long size = riff.u32();
            if (id.equals("fmt ")) {
                if (size > riff.remaining()) {
                    throw new MediaException("the WAV file's format chunk is truncated");
                }
                format = Format.read(new ByteCursor(file, riff.position(), (int) size, false, "WAV format chunk"));
                limits.checkFormat(format.channels, format.sampleRate);
            } else if (id.equals("data")) {
                if (format == null) {
                    throw new MediaException("the WAV file has its data before its format chunk");
                }
                long available = Math.min(size, riff.remaining());
                long frames = available / format.blockAlign;
                limits.checkDuration(frames, format.sampleRate);
                return new Audio(format.mono(file, riff.position(), (int) frames), (int) format.sampleRate);
            }
            riff.skip(Math.min(size + (size & 1), riff.remaining())); // chunks are padded to even lengths
        }
        throw new MediaException(format == null ? "the WAV file has no format chunk" : "the WAV file has no data");
    }

    private static String fourCc(ByteCursor cursor) {
        char[] c = new char[4];
        for (int i = 0; i < 4; i++) {
            int b = cursor.u8();
            c[i] = b >= 0x20 && b < 0x7F ? (char) b : '?';
        }
        return new String(c);
    }

    /** The fmt chunk: how samples are stored. */
    private record Format(boolean floating, int channels, long sampleRate, int blockAlign, int bytesPerSample) {
        static Format read(ByteCursor fmt) {
            int tag = fmt.u16();
            int channels = fmt.u16();
            long sampleRate = fmt.u32();
            fmt.u32(); // bytes per second: derived, not trusted
            int blockAlign = fmt.u16();
            int bits = fmt.u16();
            if (tag == EXTENSIBLE) {
                if (fmt.remaining() < 10) {
                    throw new MediaException("the WAV file's extensible format chunk is truncated");
                }
                fmt.skip(2 + 2 + 4); // extension size, valid bits (a subset of the container's), channel mask
                tag = fmt.u16(); // the sub-format GUID begins with the plain format tag
            }
            boolean floating = switch (tag) {
                case PCM -> false;
                case IEEE_FLOAT -> true;
                default -> throw new MediaException("the WAV file is " + codecName(tag)
                        + "; only PCM and float WAV are read: convert it to 16-bit PCM");
            };
            boolean sizeOk = floating ? bits == 32 || bits == 64 : bits == 8 || bits == 16 || bits == 24 || bits == 32;
            if (!sizeOk) {
                throw new MediaException("the WAV file has " + bits + "-bit " + (floating ? "float" : "PCM")
                        + " samples; Muse reads 8, 16, 24 and 32-bit PCM and 32 and 64-bit float");
            }
            int bytesPerSample = bits / 8;
            if (channels < 1 || blockAlign != channels * bytesPerSample) {
                throw new MediaException("the WAV file's block size (" + blockAlign + " bytes) does not fit "
                        + channels + " channels of " + bits + "-bit samples");
            }
            return new Format(floating, channels, sampleRate, blockAlign, bytesPerSample);
        }

        /** {@code frames} frames from {@code offset}, each the mean of its channels. */
        float[] mono(byte[] file, int offset, int frames) {
            float[] out = new float[frames];
            float scale = 1f / channels;
            int p = offset;
            for (int f = 0; f < frames; f++) {
                float sum = 0;
                for (int c = 0; c < channels; c++, p += bytesPerSample) {
                    sum += sample(file, p);
                }
                out[f] = Float.isFinite(sum) ? sum * scale : 0; // a NaN in a float file would poison every frame after it
            }
            return out;
        }

        private float sample(byte[] b, int p) {
            return switch (bytesPerSample) {
                case 1 -> ((b[p] & 0xFF) - 128) / 128f; // 8-bit WAV is unsigned
                case 2 -> (short) ((b[p] & 0xFF) | b[p + 1] << 8) / 32768f;
                case 3 -> ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | b[p + 2] << 16) / 8388608f;
                case 4 -> floating ? Float.intBitsToFloat(int32(b, p)) : (float) (int32(b, p) / 2147483648.0);
                default -> (float) Double.longBitsToDouble((int32(b, p) & 0xFFFFFFFFL) | (long) int32(b, p + 4) << 32);
            };
        }

        private static int int32(byte[] b, int p) {
            return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | b[p + 3] << 24;
        }

        private static String codecName(int tag) {
            return switch (tag) {
                case 2 -> "ADPCM";
                case 6 -> "A-law";
                case 7 -> "mu-law";
                case 0x11 -> "IMA ADPCM";
                case 0x55 -> "MP3 in a WAV wrapper";
                default -> String.format("format 0x%04X", tag);
            };
        }
    }
}
