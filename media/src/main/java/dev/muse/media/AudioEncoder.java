package dev.muse.media;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Function;

/**
 * Mono sound encoded as it is made, piece by piece: {@link #add} takes the next samples and returns the bytes that are
 * ready to send (perhaps none), {@link #finish} the rest. A streamed format (raw PCM, a WAV stream, MP3, Ogg Opus)
 * hands out bytes with every piece, so a listener can start before the last piece exists; a whole-file format (WAV
 * with its true sizes, FLAC) keeps the samples and writes the file at the end.
 */
public interface AudioEncoder {
    /** Encodes the next samples (at the encoder's rate, nominally within [-1, 1]); the bytes now ready, perhaps none. */
    byte[] add(float[] samples);

    /** Encodes what is left and ends the stream; the last bytes. The encoder takes nothing more. */
    byte[] finish();

    /** Raw 16-bit little-endian samples, as {@link WavWriter#rawPcm16} writes them. */
    static AudioEncoder pcm16() {
        return new AudioEncoder() {
            @Override public byte[] add(float[] samples) { return WavWriter.rawPcm16(samples); }

            @Override public byte[] finish() { return new byte[0]; }
        };
    }

    /** A 16-bit WAV stream of unknown length: a header whose sizes are at their largest (as streamed WAV is written), then raw samples. */
    static AudioEncoder wavStream(int sampleRate) {
        return new AudioEncoder() {
            private boolean started;

            @Override public byte[] add(float[] samples) {
                byte[] pcm = WavWriter.rawPcm16(samples);
                if (started) return pcm;
                started = true;
                byte[] header = WavWriter.pcm16(new Audio(new float[0], sampleRate));
                ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 0xFFFFFFFF).putInt(40, 0xFFFFFFFF);
                return concat(header, pcm);
            }

            @Override public byte[] finish() { return started ? new byte[0] : add(new float[0]); }
        };
    }

    /** A whole file written by {@code writer} once every sample is in: a WAV with its true sizes, or FLAC. */
    static AudioEncoder whole(int sampleRate, Function<Audio, byte[]> writer) {
        return new AudioEncoder() {
            private float[] all = new float[0];
            private int length;

            @Override public byte[] add(float[] samples) {
                if (length + samples.length > all.length) all = java.util.Arrays.copyOf(all, Math.max(length + samples.length, 2 * all.length));
                System.arraycopy(samples, 0, all, length, samples.length);
                length += samples.length;
                return new byte[0];
            }

            @Override public byte[] finish() { return writer.apply(new Audio(java.util.Arrays.copyOf(all, length), sampleRate)); }
        };
    }

    /** MPEG Layer III at {@code kbps} (constant bit rate), with the pure-Java LAME port; see {@link Mp3Encoder}. */
    static AudioEncoder mp3(int sampleRate, int kbps) {
        return new Mp3Encoder(sampleRate, kbps);
    }

    /** Opus in an Ogg file (RFC 7845), with the pure-Java libopus port; see {@link OggOpusEncoder}. */
    static AudioEncoder opus(int sampleRate, int bitsPerSecond) {
        return new OggOpusEncoder(sampleRate, bitsPerSecond);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
