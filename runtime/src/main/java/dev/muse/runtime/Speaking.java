package dev.muse.runtime;

import dev.muse.models.kokoro.Kokoro;
import dev.muse.models.kokoro.KokoroConfig;
import dev.muse.models.kokoro.SourceNoise;
import dev.muse.models.kokoro.Voice;
import dev.muse.models.nn.Scratch;
import dev.muse.provenance.ContentCredentials;
import dev.muse.text.phonemes.EnglishG2p;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Semaphore;
import java.util.function.DoubleConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One text being said, on a thread of its own: the caller reads an {@link Event.Audio} per piece of the text (about a
 * sentence) as soon as it is synthesised, so the first can play while the rest is made, then one {@link Event.Spoken}
 * (or {@link Event.Error}). A model speaks one text at a time; others wait their turn. Closing it (a listener that went
 * away) stops it before the next piece.
 */
public final class Speaking extends EventStream {
    private final Provenance.Seal seal;
    private final ContentCredentials.Watermark mark;

    /** Says {@code pieces}, each watermarked by {@code seal} as it is made; the files made of them are signed by it. */
    Speaking(String model, Kokoro kokoro, Semaphore turn, Supplier<Scratch> scratches, List<EnglishG2p.Chunk> pieces, Voice voice, float speed,
             long seed, Provenance.Seal seal) {
        this.seal = seal;
        StringBuilder identity = new StringBuilder(voice.name()).append('\n').append(speed).append('\n').append(seed);
        for (EnglishG2p.Chunk piece : pieces) identity.append('\n').append(piece.phonemes());
        this.mark = seal.soundMark(identity.toString());
        Thread.ofVirtual().name("say " + model).start(() -> {
            try {
                turn.acquire();
                try {
                    SourceNoise noise = SourceNoise.seeded(seed);
                    Scratch scratch = scratches.get(); // the model's vocoder arrays, ours while we have the turn
                    long samples = 0;
                    for (int i = 0; i < pieces.size(); i++) {
                        if (cancelled) throw new CancellationException();
                        EnglishG2p.Chunk piece = pieces.get(i);
                        float[] audio = seal.sound(kokoro.speak(piece.phonemes(), voice, speed, noise, scratch).audio(), KokoroConfig.SAMPLE_RATE, samples, mark);
                        samples += audio.length;
                        events.add(new Event.Audio(i, piece.text(), piece.phonemes(), KokoroConfig.SAMPLE_RATE, audio));
                        events.add(new Event.Progress((i + 1) / (double) pieces.size()));
                    }
                    events.add(new Event.Spoken(pieces.size(), samples / (double) KokoroConfig.SAMPLE_RATE, voice.name()));
                } finally {
                    turn.release();
                }
            } catch (InterruptedException | CancellationException e) {
                events.add(new Event.Error(new CancellationException("the speech was cancelled")));
            } catch (RuntimeException e) {
                events.add(new Event.Error(e));
            }
        });
    }

    /** The speech as a file of {@code format}: a WAV or MP3 file comes whole at its end, signed (see {@link SpeechAudio}). */
    public SpeechAudio file(SpeechAudio.Format format) {
        return new SpeechAudio(format, bytes -> seal.file(bytes, mark));
    }

    /** The speech as a stream of {@code format}, every piece sent as it is made, without content credentials. */
    public SpeechAudio stream(SpeechAudio.Format format) {
        return new SpeechAudio(format, null);
    }

    /**
     * Reads the speech to its end: each piece to {@code piece} as it is made (which returns false when its listener has
     * gone, and the rest is then cancelled), the progress to {@code progress}; returns the end, or throws the failure (a
     * CancellationException when it was cancelled).
     */
    public Event.Spoken follow(Predicate<Event.Audio> piece, DoubleConsumer progress) throws InterruptedException {
        while (true) {
            Event e = next();
            switch (e) {
                case Event.Audio a -> {
                    if (!piece.test(a)) cancel();
                }
                case Event.Progress p -> progress.accept(p.fraction());
                case Event.Spoken done -> {
                    return done;
                }
                case Event.Error failure -> throw failure.error();
                default -> throw new IllegalStateException("a speech does not report " + e.getClass().getSimpleName());
            }
        }
    }
}
