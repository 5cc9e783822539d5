package dev.muse.runtime;

import dev.muse.engine.Ops;
import dev.muse.hub.ModelFiles;
import dev.muse.models.kokoro.IstftNet;
import dev.muse.models.kokoro.Kokoro;
import dev.muse.models.kokoro.Voice;
import dev.muse.models.nn.Scratch;
import dev.muse.text.phonemes.EnglishG2p;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.SoftReference;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * A loaded speech synthesis model (a Kokoro folder): the model, its voices as they are asked for, and an English
 * phonemizer per accent over the lexicon in the folder (misaki's us_ and gb_ dictionaries), loaded on first use. A
 * voice's first letter names its language as Kokoro's voices do (a: American English, b: British English, e: Spanish, f:
 * French, h: Hindi, i: Italian, j: Japanese, p: Brazilian Portuguese, z: Mandarin); Muse phonemizes English.
 */
final class VoiceModel implements AutoCloseable {
    /** The voice said when none is asked for, when the folder has it: the one Kokoro's own examples use. */
    static final String DEFAULT_VOICE = "af_heart";
    private static final Map<Character, String> LANGUAGES = Map.of('e', "Spanish", 'f', "French", 'h', "Hindi", 'i', "Italian", 'j', "Japanese",
            'p', "Brazilian Portuguese", 'z', "Mandarin Chinese");

    private final Path folder;
    private final Kokoro kokoro;
    private final long fileBytes;
    private final Semaphore turn = new Semaphore(1, true);
    private final Map<String, Voice> voices = new ConcurrentHashMap<>();
    private final Map<Boolean, EnglishG2p> phonemizers = new ConcurrentHashMap<>();
    /**
     * The vocoder's working arrays (a few hundred megabytes for long pieces), shared by this model's speeches, which
     * take turns: made once rather than per speech, so they do not pile up in the old generation as garbage; held
     * softly, so memory wanted elsewhere (or a long idle) lets them go.
     */
    private SoftReference<Scratch> scratch = new SoftReference<>(null);

    private VoiceModel(Path folder, Kokoro kokoro, long fileBytes) {
        this.folder = folder;
        this.kokoro = kokoro;
        this.fileBytes = fileBytes;
    }

    static VoiceModel open(Path folder, Ops ops) throws IOException {
        return new VoiceModel(folder, Kokoro.load(folder, ops), ModelFiles.bytes(folder));
    }

    long fileBytes() { return fileBytes; }

    /** Whether a text is being said or waits: such a model is not unloaded to make room. */
    boolean busy() { return turn.availablePermits() == 0 || turn.hasQueuedThreads(); }

    List<String> voices() {
        try {
            return kokoro.voices();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the voices of " + folder, e);
        }
    }

    /** The voice asked for, or the default: af_heart where the folder has it, else its first voice. */
    String voiceName(String asked) {
        if (asked != null) return asked;
        List<String> all = voices();
        if (all.isEmpty()) throw new VoiceException("the model has no voices (its voices/ folder is empty)");
        return all.contains(DEFAULT_VOICE) ? DEFAULT_VOICE : all.getFirst();
    }

    /**
     * Phonemizes the text for the voice and starts saying it, its sound watermarked and its files signed by {@code seal};
     * a voice or language Muse cannot say is refused here.
     */
    Speaking speak(String id, SpeechRequest r, Provenance.Seal seal) {
        String name = voiceName(r.voice());
        Voice voice = voices.computeIfAbsent(name, n -> {
            try {
                return kokoro.voice(n);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the voice " + n, e);
            } catch (IllegalArgumentException e) { // no voice of that name
                throw new VoiceException(e.getMessage());
            }
        });
        char language = name.charAt(0);
        if (language != 'a' && language != 'b')
            throw new VoiceException("the voice '" + name + "' speaks " + LANGUAGES.getOrDefault(language, "a language Muse does not know")
                    + "; Muse phonemizes English only so far (American voices a*, British voices b*)");
        List<EnglishG2p.Chunk> pieces = phonemizer(language == 'b').chunks(r.input(), Math.min(SpeechRequest.FIRST_PIECE, r.piecePhonemes()), r.piecePhonemes());
        if (pieces.isEmpty()) throw new IllegalArgumentException("the text has nothing to say (no words, numbers or symbols Muse can read)");
        return new Speaking(id, kokoro, turn, this::scratch, pieces, voice, r.speed(), r.seed(), seal);
    }

    /** The working arrays, made again if the collector let them go; called with the turn held. */
    private synchronized Scratch scratch() {
        Scratch s = scratch.get();
        if (s == null) scratch = new SoftReference<>(s = IstftNet.scratch());
        return s;
    }

    private EnglishG2p phonemizer(boolean british) {
        return phonemizers.computeIfAbsent(british, b -> {
            try {
                return EnglishG2p.load(folder, b);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the English lexicon in " + folder, e);
            }
        });
    }

    @Override public void close() { kokoro.close(); }
}
