package dev.muse.runtime;

import dev.muse.formats.TensorSource;
import dev.muse.media.Audio;
import dev.muse.models.SpeechRecognizer;
import dev.muse.models.TranscriptionOptions;
import dev.muse.models.silero.SileroVad;
import java.util.concurrent.Semaphore;

/** A loaded speech recognition model (Whisper): its mapped file, and its turn, which one transcription holds at a time. */
final class SpeechModel implements AutoCloseable {
    private final TensorSource file;
    private final SpeechRecognizer recognizer;
    private final Semaphore turn = new Semaphore(1, true);

    SpeechModel(TensorSource file, SpeechRecognizer recognizer) {
        this.file = file;
        this.recognizer = recognizer;
    }

    String architecture() { return recognizer.architecture(); }

    long fileBytes() { return file.size(); }

    /** Whether a transcription runs or waits: such a model is not unloaded to make room. */
    boolean busy() { return turn.availablePermits() == 0 || turn.hasQueuedThreads(); }

    /** Transcribes {@code audio}; with {@code vad}, only the speech it finds. */
    Transcription transcribe(String id, Audio audio, TranscriptionRequest r, SileroVad vad) {
        TranscriptionOptions options = TranscriptionOptions.DEFAULTS.withLanguage(r.language()).withTranslate(r.translate())
                .withPrompt(r.prompt()).withTimestamps(r.timestamps()).withTokenTimestamps(r.words()).withBeamSize(r.beamSize())
                .withTemperature(r.temperature(), r.temperature() > 0 ? 0f : TranscriptionOptions.DEFAULTS.temperatureIncrement());
        return new Transcription(id, recognizer, turn, audio, options, vad);
    }

    @Override public void close() {
        file.close();
    }
}
