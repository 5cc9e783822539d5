package dev.muse.media;

import java.util.Arrays;

/**
 * Decoded sound collected as mono floats while a compressed stream is decoded, frame by frame: channels are
 * averaged as they arrive, and the {@link AudioLimits}' duration cap is enforced as the sound grows (a compressed
 * file declares no trustworthy length, and a few kilobytes of FLAC can expand to hours of silence).
 */
final class MonoSamples {
    private final int rate;
    private final long maxFrames;
    private final AudioLimits limits;
    private float[] samples = new float[1 << 14];
    private int size;

    MonoSamples(int rate, AudioLimits limits) {
        this.rate = rate;
        this.limits = limits;
        this.maxFrames = (long) Math.ceil(limits.maxSeconds() * rate);
    }

    /** Adds {@code frames} frames of {@code channels} interleaved 16-bit samples. */
    void addShorts(short[] interleaved, int frames, int channels) {
        reserve(frames);
        float scale = 1f / (32768f * channels);
        for (int f = 0; f < frames; f++) {
            int sum = 0;
            for (int c = 0; c < channels; c++) sum += interleaved[f * channels + c];
            samples[size++] = sum * scale;
        }
    }

    /** Adds {@code frames} frames of each channel's integer samples, full scale {@code 2^(bits-1)}. */
    void addInts(int[][] channels, int frames, int bits) {
        reserve(frames);
        double scale = 1.0 / ((double) (1L << (bits - 1)) * channels.length);
        for (int f = 0; f < frames; f++) {
            long sum = 0;
            for (int[] channel : channels) sum += channel[f];
            samples[size++] = (float) (sum * scale);
        }
    }

    /** Adds {@code frames} frames of each channel's float samples, starting at {@code offsets[c]} in channel c. */
    void addFloats(float[][] channels, int[] offsets, int frames, int channelCount) {
        reserve(frames);
        float scale = 1f / channelCount;
        for (int f = 0; f < frames; f++) {
            float sum = 0;
            for (int c = 0; c < channelCount; c++) sum += channels[c][offsets[c] + f];
            samples[size++] = Float.isFinite(sum) ? sum * scale : 0;
        }
    }

    private void reserve(int frames) {
        if (size + (long) frames > maxFrames) limits.checkDuration(size + (long) frames, rate); // throws: too long
        long needed = size + (long) frames;
        if (needed > Integer.MAX_VALUE - 8) throw new MediaException("the audio is too long to hold: split it and send the parts");
        if (needed > samples.length) samples = Arrays.copyOf(samples, (int) Math.min(Math.min(maxFrames, Integer.MAX_VALUE - 8), Math.max(needed, 2L * samples.length)));
    }

    int size() { return size; }

    Audio audio() {
        return new Audio(Arrays.copyOf(samples, size), rate);
    }
}
