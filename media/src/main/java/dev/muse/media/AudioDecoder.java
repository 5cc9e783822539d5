package dev.muse.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decodes a sound file a user sends into mono {@link Audio}: WAV, FLAC, MP3, Ogg Opus and Vorbis, M4A (AAC, what Safari
 * records), and WebM Opus (what Chromium
 * record), refusing what the {@link AudioLimits} do not allow: WAV from its header before any sample memory is
 * allocated, compressed formats as their sound grows. The format is recognised from the file's first bytes, never
 * from its name. Thread-safe.
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
            case FLAC -> FlacDecoder.decode(encoded, limits);
            case OGG -> OggAudio.decode(encoded, limits);
            case WEBM -> webm(encoded);
            case MP3 -> Mp3Audio.decode(encoded, limits);
            case MP4 -> AacAudio.decode(Mp4Frames.read(encoded), limits);
        };
    }

    private Audio webm(byte[] encoded) {
        WebmFrames.Track track = WebmFrames.read(encoded);
        if (!track.codec().equals("A_OPUS"))
            throw new MediaException("the WebM file's audio is " + track.codec().replaceAll("[^ -~]", "?") + "; Muse reads Opus in WebM");
        java.util.Iterator<byte[]> frames = track.frames().iterator();
        return OpusAudio.decode(OpusAudio.Head.read(track.codecPrivate(), "WebM"), () -> frames.hasNext() ? frames.next() : null, limits);
    }
}
