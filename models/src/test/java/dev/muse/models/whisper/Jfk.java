package dev.muse.models.whisper;

import static org.junit.jupiter.api.Assertions.fail;

import dev.muse.media.Audio;
import dev.muse.media.AudioDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code ../shared/media/jfk.wav}: 11 s of real speech, 16 kHz mono. A missing file fails the test that needs it. */
final class Jfk {
    private Jfk() {}

    static Audio audio() {
        Path file = Path.of(System.getProperty("muse.shared", "../shared"), "media", "jfk.wav");
        if (!Files.isRegularFile(file)) fail("test data missing: " + file.toAbsolutePath() + " (the shared folder must sit beside the checkout)");
        try {
            return new AudioDecoder().decode(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
