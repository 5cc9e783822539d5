package dev.muse.media;

import java.util.Locale;

/**
 * Caps on a sound a user sends, checked before any sample memory is allocated: the encoded size first, then the
 * channel count, sample rate and duration that the file's header claims. A 44-byte WAV header can claim four
 * gigabytes of samples; these caps refuse it from the header.
 *
 * @param maxEncodedBytes the largest encoded file accepted
 * @param maxSeconds      the longest sound accepted
 * @param maxSampleRate   the highest sample rate accepted
 * @param maxChannels     the most channels accepted
 */
public record AudioLimits(long maxEncodedBytes, double maxSeconds, int maxSampleRate, int maxChannels) {
    /**
     * 200 MiB encoded, two hours, 384 kHz, 8 channels: a long recorded meeting in any common format. Two hours
     * at 16 kHz is 460 MB of samples, the most a transcription holds in memory.
     */
    public static final AudioLimits DEFAULT = new AudioLimits(200L << 20, 2 * 3600, 384_000, 8);

    public AudioLimits {
        if (maxEncodedBytes < 1 || !(maxSeconds > 0) || maxSampleRate < 1 || maxChannels < 1) {
            throw new IllegalArgumentException("audio limits must be positive: " + maxEncodedBytes + " bytes, "
                    + maxSeconds + " s, " + maxSampleRate + " Hz, " + maxChannels + " channels");
        }
    }

    /** Refuses an encoded file larger than {@link #maxEncodedBytes}. */
    public void checkEncodedSize(long bytes) {
        if (bytes > maxEncodedBytes) {
            throw new MediaException("the audio file is " + mib(bytes) + "; the largest accepted is "
                    + mib(maxEncodedBytes) + ": send a shorter or more compressed recording");
        }
    }

    /** Refuses a channel count or sample rate over the caps (or not positive); called with what a header claims. */
    public void checkFormat(int channels, long sampleRate) {
        if (channels < 1 || sampleRate < 1) {
            throw new MediaException("the audio file claims " + channels + " channels at " + sampleRate
                    + " Hz, which is not a sound");
        }
        if (channels > maxChannels) {
            throw new MediaException("the audio has " + channels + " channels; the most accepted is " + maxChannels);
        }
        if (sampleRate > maxSampleRate) {
            throw new MediaException("the audio is sampled at " + sampleRate + " Hz; the highest rate accepted is "
                    + maxSampleRate + " Hz");
        }
    }

    /** Refuses {@code frames} samples per channel at {@code sampleRate} when that is longer than the cap. */
    public void checkDuration(long frames, long sampleRate) {
        double seconds = frames / (double) sampleRate;
        if (seconds > maxSeconds) {
            throw new MediaException(String.format(Locale.ROOT,
                    "the audio is %s long; the longest accepted is %s: split it and send the parts",
                    clock(seconds), clock(maxSeconds)));
        }
    }

    private static String clock(double seconds) {
        long s = (long) Math.ceil(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }
}
