package dev.muse.media;

/**
 * Mono sound: samples in [-1, 1] at {@code sampleRate} samples per second. What every audio decoder in Muse
 * produces (channels mixed down) and what speech models read once {@link Resampler resampled} to their rate.
 *
 * @param samples    the samples, owned by this record (not copied: do not change them after handing them over)
 * @param sampleRate samples per second
 */
public record Audio(float[] samples, int sampleRate) {
    public Audio {
        if (sampleRate < 1) {
            throw new IllegalArgumentException("sample rate must be positive: " + sampleRate);
        }
    }

    /** The duration in seconds. */
    public double seconds() {
        return samples.length / (double) sampleRate;
    }

    /** This sound at {@code rate} samples per second (itself when already there). */
    public Audio at(int rate) {
        return rate == sampleRate ? this : new Audio(new Resampler(sampleRate, rate).resample(samples), rate);
    }
}
