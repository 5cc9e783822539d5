package dev.muse.runtime;

import dev.muse.media.AudioEncoder;
import dev.muse.media.FlacWriter;
import dev.muse.media.WavWriter;

/**
 * A speech's pieces ({@link Event.Audio}) as the bytes the edges send, encoded as the pieces come: {@link #add} returns
 * what is ready to send now, {@link #finish} the rest. Raw PCM, MP3 and Ogg Opus go out with every piece; a WAV file
 * (its sizes true) and FLAC come whole at the end, and a WAV <em>stream</em> (for server-sent events) is a header of
 * unknown length then raw samples.
 */
public final class SpeechAudio {
    /** MP3's constant bit rate: about 25 dB SNR on speech at 24 kHz, 8 kB a second. */
    static final int MP3_KBPS = 64;
    /** Opus's bit rate: transparent enough for speech, 6 kB a second. */
    static final int OPUS_BPS = 48_000;
    private static final int DEFAULT_RATE = 24_000;

    /** The formats speech is sent in, with what HTTP calls them and the file name's ending. */
    public enum Format {
        WAV("audio/wav", "wav"), FLAC("audio/flac", "flac"), PCM("audio/pcm", "pcm"), MP3("audio/mpeg", "mp3"), OPUS("audio/ogg", "opus");

        public final String contentType, extension;

        Format(String contentType, String extension) {
            this.contentType = contentType;
            this.extension = extension;
        }

        /** Whether bytes go out with every piece (raw PCM, MP3, Opus) rather than as one file at the end (WAV, FLAC). */
        public boolean streamed() {
            return this == PCM || this == MP3 || this == OPUS;
        }

        /** The format a file name's ending asks for (.wav, .flac, .mp3, .opus or .ogg, .pcm), or null. */
        public static Format ofFileName(String name) {
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (lower.endsWith(".ogg")) return OPUS;
            for (Format f : values()) if (lower.endsWith("." + f.extension)) return f;
            return null;
        }
    }

    private final Format format;
    private final boolean stream;
    private AudioEncoder encoder;

    private SpeechAudio(Format format, boolean stream) {
        if (stream && format == Format.FLAC) throw new IllegalArgumentException("FLAC is written whole: it cannot be streamed");
        this.format = format;
        this.stream = stream;
    }

    /** The pieces as one file or stream of {@code format}. */
    public static SpeechAudio of(Format format) {
        return new SpeechAudio(format, false);
    }

    /** The pieces as a stream of {@code format} whose every piece is sent at once: WAV becomes a WAV stream; FLAC is refused. */
    public static SpeechAudio streaming(Format format) {
        return new SpeechAudio(format, true);
    }

    /** Encodes the next piece; the bytes now ready to send, perhaps none. */
    public byte[] add(Event.Audio piece) {
        if (encoder == null) encoder = encoder(piece.sampleRate());
        return encoder.add(piece.samples());
    }

    /** Ends the audio; the last bytes (a whole WAV or FLAC file, the end of an MP3 or Ogg stream). */
    public byte[] finish() {
        if (encoder == null) encoder = encoder(DEFAULT_RATE);
        return encoder.finish();
    }

    private AudioEncoder encoder(int rate) {
        return switch (format) {
            case WAV -> stream ? AudioEncoder.wavStream(rate) : AudioEncoder.whole(rate, WavWriter::pcm16);
            case FLAC -> AudioEncoder.whole(rate, FlacWriter::write);
            case PCM -> AudioEncoder.pcm16();
            case MP3 -> AudioEncoder.mp3(rate, MP3_KBPS);
            case OPUS -> AudioEncoder.opus(rate, OPUS_BPS);
        };
    }
}
