package dev.muse.runtime;

import dev.muse.media.Audio;
import dev.muse.media.LogMel;
import dev.muse.models.SpeechRecognizer;
import dev.muse.models.Transcript;
import dev.muse.models.TranscriptionOptions;
import dev.muse.models.silero.SileroVad;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Semaphore;

/**
 * One transcription, running on a thread of its own: the caller reads {@link Event.Progress} and
 * {@link Event.Segment} events with {@link #next()} as the windows are decoded, then one {@link Event.Transcribed}
 * (or {@link Event.Error}). A model transcribes one file at a time (its forward pass already uses every core);
 * others wait their turn. With a voice activity detector, only the speech it finds is transcribed (times mapped back
 * to the original). Closing it (a client that went away) stops it at the next token.
 */
public final class Transcription extends EventStream {

    Transcription(String model, SpeechRecognizer recognizer, Semaphore turn, Audio audio, TranscriptionOptions options, SileroVad vad) {
        float[] all = audio.at(LogMel.SAMPLE_RATE).samples();
        double seconds = all.length / (double) LogMel.SAMPLE_RATE;
        Thread.ofVirtual().name("transcribe " + model).start(() -> {
            try {
                SpeechOnly speech = vad == null ? null : new SpeechOnly(vad, all);
                if (speech != null && speech.silent()) { // nothing to hear: no decoding at all
                    events.add(new Event.Transcribed(options.language() != null ? options.language() : "", seconds, ""));
                    return;
                }
                float[] samples = speech == null ? all : speech.samples();
                turn.acquire();
                try {
                    Transcript t = recognizer.transcribe(samples, options, new SpeechRecognizer.Listener() {
                        @Override public void segment(Transcript.Segment s) { events.add(toEvent(speech == null ? s : speech.original(s))); }

                        @Override public void progress(double fraction) { events.add(new Event.Progress(fraction)); }

                        @Override public boolean cancelled() { return cancelled; }
                    });
                    events.add(new Event.Transcribed(t.language(), seconds, t.text()));
                } finally {
                    turn.release();
                }
            } catch (InterruptedException | CancellationException e) {
                events.add(new Event.Error(new CancellationException("the transcription was cancelled")));
            } catch (RuntimeException e) {
                events.add(new Event.Error(e));
            }
        });
    }

    private static Event.Segment toEvent(Transcript.Segment s) {
        List<Event.HeardToken> tokens = new ArrayList<>();
        for (Transcript.Token t : s.tokens())
            tokens.add(new Event.HeardToken(t.id(), t.text(), t.probability(), t.start() < 0 ? -1 : t.start() / 100.0, t.end() < 0 ? -1 : t.end() / 100.0));
        return new Event.Segment(s.start() / 100.0, s.end() / 100.0, s.text(), s.averageLogprob(), s.noSpeechProbability(),
                s.temperature(), tokens);
    }
}
