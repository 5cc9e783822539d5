package dev.muse.runtime;

import dev.muse.media.AudioEncoder;
import dev.muse.media.FlacWriter;
import dev.muse.media.WavWriter;
import java.io.ByteArrayOutputStream;
import java.util.function.UnaryOperator;

/**
 * A speech's pieces ({@link Event.Audio}) as the bytes the edges send, encoded as the pieces come: {@link #add} returns
 * what is ready to send now, {@link #finish} the rest. A <em>file</em> ({@link Speaking#file}) of WAV or MP3 comes whole
 * at the end with its content credentials signed in (they hash every byte), FLAC whole too; raw PCM and Ogg Opus go out
 * with every piece. A <em>stream</em> ({@link Speaking#stream}, for server-sent events and playing as it comes) sends
 * every piece at once, MP3 included, and a WAV stream is a header of unknown length then raw samples: streams carry no
 * credentials, as C2PA has no binding for a file still being written.
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

        /** Whether a file's bytes go out with every piece (raw PCM, Opus) rather than whole at the end (WAV, MP3, FLAC). */
        public boolean streamed() {
            return this == PCM || this == OPUS;
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
    private final UnaryOperator<byte[]> seal;
    /** A file's MP3 frames, kept until the end to be signed whole. */
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private AudioEncoder encoder;

    /** The pieces as a stream ({@code seal} null) or a file of {@code format} signed by {@code seal}; a FLAC stream is refused. */
    SpeechAudio(Format format, UnaryOperator<byte[]> seal) {
        this.stream = seal == null;
        if (stream && format == Format.FLAC) throw new IllegalArgumentException("FLAC is written whole: it cannot be streamed");
        this.format = format;
        this.seal = seal;
    }

    /** Encodes the next piece; the bytes now ready to send, perhaps none. */
    public byte[] add(Event.Audio piece) {
        if (encoder == null) encoder = encoder(piece.sampleRate());
        byte[] bytes = encoder.add(piece.samples());
        if (stream || format.streamed()) return bytes;
        held.writeBytes(bytes);
        return new byte[0];
    }

    /** Ends the audio; the last bytes (a whole, signed WAV, MP3 or FLAC file, the end of an Ogg or MP3 stream). */
    public byte[] finish() {
        if (encoder == null) encoder = encoder(DEFAULT_RATE);
        byte[] last = encoder.finish();
        if (stream || format.streamed()) return last;
        held.writeBytes(last);
        return seal.apply(held.toByteArray());
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
