package dev.muse.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decodes a sound file a user sends into mono {@link Audio}, refusing what the {@link AudioLimits} do not allow
 * before any sample memory is allocated. The format is recognised from the file's first bytes, never from its
 * name. Thread-safe.
 */
public final class AudioDecoder {
    private final AudioLimits limits;

    /** A decoder with {@link AudioLimits#DEFAULT}. */
    public AudioDecoder() {
        this(AudioLimits.DEFAULT);
    }

    public AudioDecoder(AudioLimits limits) {
        this.limits = limits;
    }

    public AudioLimits limits() {
        return limits;
    }

    /**
     * Decodes an audio file, refusing one larger than {@link AudioLimits#maxEncodedBytes} before reading it.
     *
     * @throws MediaException if the file is unsupported, damaged, or over a limit
     * @throws IOException    if the file cannot be read
     */
    public Audio decode(Path file) throws IOException {
        limits.checkEncodedSize(Files.size(file));
        return decode(Files.readAllBytes(file));
    }

    /**
     * Decodes an encoded sound at its own sample rate, channels mixed down to mono.
     *
     * @throws MediaException if the data is unsupported, truncated, damaged, or over a limit
     */
    public Audio decode(byte[] encoded) {
        limits.checkEncodedSize(encoded.length);
        AudioFormat format = AudioFormat.sniff(encoded);
        return switch (format) {
            case WAV -> WavDecoder.decode(encoded, limits);
            default -> throw new MediaException("the audio is " + format.label()
                    + ", which Muse does not read yet: send WAV (PCM or float)");
        };
    }
}
