package dev.muse.media;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes mono {@link Audio} as a RIFF/WAVE file: 16-bit PCM (what every player reads) or 32-bit float. */
public final class WavWriter {
    private WavWriter() {
    }

    /** 16-bit PCM, sample x as round(32768 x) (the scale readers divide by), clipped to the 16-bit range. */
    public static byte[] pcm16(Audio audio) {
        float[] s = audio.samples();
        ByteBuffer b = header(s.length * 2L, 1, audio.sampleRate(), 16);
        for (float v : s) {
            b.putShort(sample16(v));
        }
        return b.array();
    }

    /** The samples as raw 16-bit little-endian PCM (no header), scaled and clipped as {@link #pcm16} does: what a PCM stream carries. */
    public static byte[] rawPcm16(float[] samples) {
        ByteBuffer b = ByteBuffer.allocate(2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : samples) b.putShort(sample16(v));
        return b.array();
    }

    /** One sample as 16 bits: round(32768 x), clipped to the 16-bit range; what every 16-bit writer here stores. */
    public static short sample16(float x) {
        return (short) Math.max(-32768, Math.min(32767, Math.round(x * 32768f)));
    }

    /** 32-bit IEEE float, the samples exactly as they are. */
    public static byte[] float32(Audio audio) {
        float[] s = audio.samples();
        ByteBuffer b = header(s.length * 4L, 3, audio.sampleRate(), 32);
        for (float v : s) {
            b.putFloat(v);
        }
        return b.array();
    }

    private static ByteBuffer header(long dataBytes, int formatTag, int sampleRate, int bits) {
        if (dataBytes > Integer.MAX_VALUE - 44) {
            throw new IllegalArgumentException("too long for a WAV file: " + dataBytes + " bytes of samples");
        }
        ByteBuffer b = ByteBuffer.allocate(44 + (int) dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + (int) dataBytes);
        b.put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16);
        b.putShort((short) formatTag).putShort((short) 1).putInt(sampleRate).putInt(sampleRate * bits / 8);
        b.putShort((short) (bits / 8)).putShort((short) bits);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) dataBytes);
        return b;
    }
}
