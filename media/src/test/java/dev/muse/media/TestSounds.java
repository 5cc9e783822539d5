package dev.muse.media;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Sounds for the audio tests: jfk.wav from the shared folder, sines, and WAV files in every sample layout. */
final class TestSounds {
    private TestSounds() {
    }

    /** {@code ../shared/media/jfk.wav}: 11 s of real speech, 16 kHz mono PCM16. Missing fails the test. */
    static byte[] jfk() {
        Path file = Path.of(System.getProperty("muse.shared", "../shared"), "media", "jfk.wav");
        if (!Files.isRegularFile(file)) {
            fail("test data missing: " + file.toAbsolutePath() + " (the shared folder must sit beside the checkout)");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static float[] sine(double hertz, int rate, int length, double amplitude) {
        float[] s = new float[length];
        for (int i = 0; i < length; i++) {
            s[i] = (float) (amplitude * Math.sin(2 * Math.PI * hertz * i / rate));
        }
        return s;
    }

    /**
     * A WAV file of {@code channels} interleaved channels; channel c of frame f is {@code frames[f] * (c + 1) /
     * channels}, so the mono mix-down is {@code frames[f] * (channels + 1) / (2 * channels)}.
     *
     * @param formatTag  1 (PCM) or 3 (float); written inside WAVE_FORMAT_EXTENSIBLE when {@code extensible}
     */
    static byte[] wav(float[] frames, int rate, int channels, int bits, int formatTag, boolean extensible) {
        int bytes = bits / 8;
        int dataBytes = frames.length * channels * bytes;
        int fmtBytes = extensible ? 40 : 16;
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + fmtBytes + 8 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(b.capacity() - 8).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(fmtBytes);
        b.putShort((short) (extensible ? 0xFFFE : formatTag)).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * bytes).putShort((short) (channels * bytes)).putShort((short) bits);
        if (extensible) {
            b.putShort((short) 22).putShort((short) bits).putInt(0).putShort((short) formatTag)
                    .put(new byte[] {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
        }
        b.put(ascii("data")).putInt(dataBytes);
        for (float v : frames) {
            for (int c = 0; c < channels; c++) {
                double x = v * (c + 1.0) / channels;
                switch (formatTag * 100 + bits) {
                    case 108 -> b.put((byte) (Math.round(x * 127) + 128));
                    case 116 -> b.putShort((short) Math.round(x * 32767));
                    case 124 -> {
                        int i = (int) Math.round(x * 8388607);
                        b.put((byte) i).put((byte) (i >> 8)).put((byte) (i >> 16));
                    }
                    case 132 -> b.putInt((int) Math.round(x * 2147483647.0));
                    case 332 -> b.putFloat((float) x);
                    case 364 -> b.putDouble(x);
                    default -> throw new IllegalArgumentException(formatTag + "/" + bits);
                }
            }
        }
        return b.array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
