package dev.muse.runtime;

import dev.muse.media.Audio;
import dev.muse.media.FlacWriter;
import dev.muse.media.WavWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** A speech's pieces ({@link Event.Audio}) as the bytes the edges send: raw 16-bit PCM, a WAV or FLAC file, a WAV stream's header. */
public final class SpeechAudio {
    private SpeechAudio() {}

    /** A piece's samples as raw 16-bit little-endian PCM. */
    public static byte[] pcm16(float[] samples) {
        return WavWriter.rawPcm16(samples);
    }

    /** The pieces, one after another, as a 16-bit WAV file. */
    public static byte[] wav(List<float[]> pieces, int sampleRate) {
        return WavWriter.pcm16(joined(pieces, sampleRate));
    }

    /** The pieces, one after another, as a 16-bit FLAC file (lossless, about half a WAV's size). */
    public static byte[] flac(List<float[]> pieces, int sampleRate) {
        return FlacWriter.write(joined(pieces, sampleRate));
    }

    private static Audio joined(List<float[]> pieces, int sampleRate) {
        int length = 0, at = 0;
        for (float[] p : pieces) length += p.length;
        float[] all = new float[length];
        for (float[] p : pieces) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return new Audio(all, sampleRate);
    }

    /** A 16-bit WAV header for a stream of unknown length (its sizes at their largest, as streamed WAV is written). */
    public static byte[] streamingWavHeader(int sampleRate) {
        byte[] header = WavWriter.pcm16(new Audio(new float[0], sampleRate));
        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 0xFFFFFFFF).putInt(40, 0xFFFFFFFF);
        return header;
    }
}
