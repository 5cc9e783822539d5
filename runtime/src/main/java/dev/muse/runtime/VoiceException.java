package dev.muse.runtime;

/** A voice a speech synthesis model cannot speak in: none of that name, or one of a language Muse does not phonemize. */
public final class VoiceException extends IllegalArgumentException {
    VoiceException(String message) {
        super(message);
    }
}
